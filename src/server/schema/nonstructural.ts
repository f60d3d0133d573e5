/**
 * NonStructuralSchema condition of CRDs: True (reason `Violations`, the violations as message)
 * while a version's openAPIV3Schema is not structural, removed once it is. Writes through the
 * status subresource as `apiextensions-apiserver`, like the other CRD controllers.
 */
import { structuralErrors } from '../../apis/index.js';
import type { ApiCore } from '../api/core.js';
import { WorkQueue } from '../controllers/queue.js';
import type { StoreEvent } from '../store/store.js';
import { isRecord, kubeTime, type KubeObject } from '../types.js';

const crdRk = 'apiextensions.k8s.io/customresourcedefinitions';
const conditionType = 'NonStructuralSchema';

/** The structural-schema violations of a CRD, as `spec.versions[i].schema.openAPIV3Schema...` texts. */
export function nonStructuralViolations(crd: KubeObject): string[] {
  const spec = isRecord(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  const out: string[] = [];
  versions.forEach((v, i) => {
    if (!isRecord(v) || !isRecord(v.schema) || !isRecord(v.schema.openAPIV3Schema)) return;
    const base = `spec.versions[${i}].schema.openAPIV3Schema`;
    const errs = structuralErrors(v.schema.openAPIV3Schema);
    for (const e of errs) out.push(`${base}.${e}`);
  });
  return out;
}

export class NonStructuralController {
  private readonly queue: WorkQueue;

  constructor(
    private readonly core: ApiCore,
    onError: (what: string, err: unknown) => void,
  ) {
    this.queue = new WorkQueue(
      (k) => this.reconcile(k),
      (k, e) => onError(`checking the schema of customresourcedefinition ${k}`, e),
    );
  }

  resync(): void {
    for (const crd of this.core.store.list(crdRk, undefined))
      this.queue.add(crd.metadata.name ?? '');
  }

  onEvent(e: StoreEvent): void {
    if (e.rk === crdRk && e.type !== 'DELETED') this.queue.add(e.name);
  }

  private reconcile(name: string): void {
    const t = this.core.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    const crd = this.core.store.get(crdRk, '', name);
    if (!t || !crd || crd.metadata.deletionTimestamp) return;
    const violations = nonStructuralViolations(crd);
    const status = isRecord(crd.status) ? crd.status : {};
    const conds = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
    const existing = conds.find((c) => c.type === conditionType);
    let next: Record<string, unknown>[];
    if (violations.length === 0) {
      if (!existing) return;
      next = conds.filter((c) => c !== existing);
    } else {
      const message =
        violations.length === 1 ? (violations[0] ?? '') : `[${violations.join(', ')}]`;
      if (existing?.status === 'True' && existing.message === message) return;
      const cond = {
        type: conditionType,
        status: 'True',
        reason: 'Violations',
        message,
        lastTransitionTime: existing?.status === 'True' ? existing.lastTransitionTime : kubeTime(),
      };
      next = existing ? conds.map((c) => (c === existing ? cond : c)) : [...conds, cond];
    }
    this.core.update(
      t,
      '',
      name,
      { ...crd, status: { ...status, conditions: next } },
      { subresource: 'status', fieldManager: 'apiextensions-apiserver' },
    );
  }

  stop(): void {
    this.queue.stop();
  }
}
