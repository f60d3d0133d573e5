/**
 * Phase-level reporting as PKO's phase reconciler records it: each object that does not pass
 * becomes `<group> <Kind> <ns>/<name>: <msgs>`, and the phase `Phase "<name>" failed: <failures>`.
 */
import { groupKindOf, nameOf, namespaceOf } from './object.js';
import type { KubeObject, Prober } from './types.js';

/** `apps Deployment ns/name: msg1, msg2`. */
export function objectFailureMessage(obj: KubeObject, messages: readonly string[]): string {
  const gk = groupKindOf(obj);
  return `${gk.group} ${gk.kind} ${namespaceOf(obj)}/${nameOf(obj)}: ${messages.join(', ')}`;
}

/** `Phase "deploy" failed: <failures joined by ", ">`. */
export function phaseFailureMessage(phaseName: string, failures: readonly string[]): string {
  return `Phase ${JSON.stringify(phaseName)} failed: ${failures.join(', ')}`;
}

export interface PhaseProbeResult {
  phaseName: string;
  /** One entry per object that did not pass (False or Unknown), in probe order. */
  failedProbes: string[];
}

/** Probes the objects of one phase and collects the failures. */
export class PhaseProbeRecorder {
  readonly phaseName: string;
  readonly prober: Prober;
  readonly #failures: string[] = [];

  constructor(phaseName: string, prober: Prober) {
    this.phaseName = phaseName;
    this.prober = prober;
  }

  /** Probes an object; returns true when it passed. */
  probe(obj: KubeObject): boolean {
    const r = this.prober.probe(obj);
    if (r.status === 'True') return true;
    this.#failures.push(objectFailureMessage(obj, r.messages));
    return false;
  }

  /** Records a desired object that was not found after apply. */
  recordMissing(obj: KubeObject): void {
    this.#failures.push(objectFailureMessage(obj, ['not found']));
  }

  /** Undefined when every object passed. */
  result(): PhaseProbeResult | undefined {
    if (this.#failures.length === 0) return undefined;
    return { phaseName: this.phaseName, failedProbes: [...this.#failures] };
  }

  /** The `Available=False` message, or undefined when every object passed. */
  message(): string | undefined {
    return this.#failures.length === 0
      ? undefined
      : phaseFailureMessage(this.phaseName, this.#failures);
  }
}
