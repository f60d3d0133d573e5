/** Wraps a probe: an object whose `.status.observedGeneration` lags `metadata.generation` is Unknown. */
import { generationOf, nestedInt64 } from './object.js';
import type { KubeObject, ProbeResult, Prober } from './types.js';

export class ObservedGenerationProbe implements Prober {
  readonly inner: Prober;

  constructor(inner: Prober) {
    this.inner = inner;
  }

  probe(obj: KubeObject): ProbeResult {
    const observed = nestedInt64(obj, ['status', 'observedGeneration']);
    if (observed !== undefined && observed !== generationOf(obj)) {
      return { status: 'Unknown', messages: ['.status outdated'] };
    }
    return this.inner.probe(obj);
  }
}
