/**
 * What kube-controller-manager puts in every active namespace: the `default` ServiceAccount and
 * the `kube-root-ca.crt` ConfigMap with the server's CA bundle; both come back when deleted.
 */
import type { ApiCore } from '../api/core.js';
import { ApiError } from '../errors.js';
import { WorkQueue } from '../controllers/queue.js';
import type { StoreEvent } from '../store/store.js';

const rootCa = 'kube-root-ca.crt';
const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class NamespaceContent {
  private readonly queue: WorkQueue;

  constructor(
    private readonly core: ApiCore,
    private readonly caCert: string,
    onError: (what: string, err: unknown) => void,
  ) {
    this.queue = new WorkQueue(
      (k) => this.reconcile(k),
      (k, e) => onError(`populating namespace ${k}`, e),
    );
  }

  resync(): void {
    for (const ns of this.core.store.list('/namespaces', undefined))
      this.queue.add(ns.metadata.name ?? '');
  }

  onEvent(e: StoreEvent): void {
    if (e.rk === '/namespaces' && e.type !== 'DELETED') this.queue.add(e.name);
    else if (e.type === 'DELETED' && e.rk === '/serviceaccounts' && e.name === 'default')
      this.queue.add(e.ns);
    else if (e.type === 'DELETED' && e.rk === '/configmaps' && e.name === rootCa)
      this.queue.add(e.ns);
  }

  private reconcile(name: string): void {
    const ns = this.core.store.get('/namespaces', '', name);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const sa = this.core.registry.find('', 'v1', 'serviceaccounts');
    const cm = this.core.registry.find('', 'v1', 'configmaps');
    if (sa && !this.core.store.get('/serviceaccounts', name, 'default')) {
      this.create(() =>
        this.core.create(
          sa,
          name,
          { metadata: { name: 'default' } },
          { fieldManager: 'kube-controller-manager' },
        ),
      );
    }
    if (cm && !this.core.store.get('/configmaps', name, rootCa)) {
      this.create(() =>
        this.core.create(
          cm,
          name,
          {
            metadata: { name: rootCa, annotations: { 'kubernetes.io/description': description } },
            data: { 'ca.crt': this.caCert },
          },
          { fieldManager: 'kube-controller-manager' },
        ),
      );
    }
  }

  private create(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      // Someone else created it, or the namespace started terminating meanwhile.
      if (err instanceof ApiError && (err.code === 409 || err.code === 403 || err.code === 404))
        return;
      throw err;
    }
  }

  stop(): void {
    this.queue.stop();
  }
}
