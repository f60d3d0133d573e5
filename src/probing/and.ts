/** Combining probes: any Unknown wins, then any False; messages of the winning status are kept. */
import type { KubeObject, ProbeResult, Prober } from './types.js';

/** The result of an object a selector skips. */
export function passed(): ProbeResult {
  return { status: 'True', messages: [] };
}

export function combine(results: readonly ProbeResult[]): ProbeResult {
  const by: Record<ProbeResult['status'], string[]> = { True: [], False: [], Unknown: [] };
  for (const r of results) by[r.status].push(...r.messages);
  if (results.some((r) => r.status === 'Unknown'))
    return { status: 'Unknown', messages: by.Unknown };
  if (results.some((r) => r.status === 'False')) return { status: 'False', messages: by.False };
  return { status: 'True', messages: by.True };
}

/** All probes must pass (boxcutter `probing.And`). */
export class AndProbe implements Prober {
  readonly probes: readonly Prober[];

  constructor(probes: readonly Prober[]) {
    this.probes = probes;
  }

  probe(obj: KubeObject): ProbeResult {
    return combine(this.probes.map((p) => p.probe(obj)));
  }
}
