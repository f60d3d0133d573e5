/**
 * Preflight checks of a phase's objects before anything is written (pure part): no
 * ownerReferences in the spec, no namespace escalation. API existence and the SSA dry-run need the
 * server and run in the phase engine.
 */
import type { KubeObject } from '../../kube/index.js';
import { goGvk, goObjectKey } from './owner.js';

/** A phase that cannot be applied; the ObjectSet reports `Available=False`, reason `PreflightError`. */
export class PreflightError extends Error {
  override readonly name: string = 'PreflightError';
  constructor(readonly violations: readonly string[]) {
    super(violations.join(', '));
  }
}

export function violation(phase: string, obj: KubeObject, msg: string): string {
  return `Phase ${JSON.stringify(phase)}, ${goGvk(obj.apiVersion, obj.kind)} ${goObjectKey(obj)}: ${msg}`;
}

export interface StaticCheckInput {
  phase: string;
  /** The object as written in the spec. */
  specObject: KubeObject;
  /** The object after namespace defaulting. */
  desired: KubeObject;
  /** Namespace of the owner; undefined for cluster-scoped owners. */
  ownerNamespace: string | undefined;
  /** The kind is namespaced (discovery). */
  namespaced: boolean;
  /** Phases delegated to a class are exempt from the namespace check. */
  remote: boolean;
}

/** Violations that need no server. */
export function staticViolations(input: StaticCheckInput): string[] {
  const out: string[] = [];
  const { phase, desired } = input;
  if ((input.specObject.metadata.ownerReferences?.length ?? 0) > 0) {
    out.push(violation(phase, desired, 'owner references must not be set'));
  }
  if (input.ownerNamespace !== undefined && !input.remote) {
    if (!input.namespaced) {
      out.push(violation(phase, desired, 'must not be cluster-scoped for a namespaced owner'));
    } else if (desired.metadata.namespace !== input.ownerNamespace) {
      out.push(
        violation(
          phase,
          desired,
          `must stay within namespace ${JSON.stringify(input.ownerNamespace)}`,
        ),
      );
    }
  }
  return out;
}
