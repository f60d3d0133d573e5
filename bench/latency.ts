/** Shared by the commit-to-Available latency benches (GitSync webhook, `packsync up` watch). */
import type { KubeClient } from '../src/kube/index.js';

/** Polls `fn` every `pollMs` until it returns a value, for at most a minute. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  pollMs = 10,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export const ms = (v: number): string => `${v.toFixed(0)} ms`;

/** `median …, p90 …, max …` of the samples, with the goal when given. */
export function latencySummary(samples: readonly number[], goalMs?: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const goal = goalMs === undefined ? '' : ` (goal < ${goalMs} ms)`;
  return `median ${ms(at(50))}, p90 ${ms(at(90))}, max ${ms(sorted[sorted.length - 1] ?? NaN)}${goal}`;
}

/**
 * True once ClusterGitSync `name` applied `commit` (Ready=Synced) and the ConfigMap the one-package
 * change writes holds `greeting`.
 */
export async function syncedTo(
  client: KubeClient,
  name: string,
  configMap: { name: string; namespace: string },
  commit: string,
  greeting: string,
): Promise<boolean> {
  const gs = await client.get({
    apiVersion: 'packsync.dev/v1alpha1',
    kind: 'ClusterGitSync',
    name,
  });
  const st = (gs?.status ?? {}) as {
    lastAppliedCommit?: string;
    conditions?: { type: string; reason: string }[];
  };
  if (st.lastAppliedCommit !== commit) return false;
  if (st.conditions?.find((c) => c.type === 'Ready')?.reason !== 'Synced') return false;
  const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', ...configMap });
  return (cm?.data as { greeting?: string } | undefined)?.greeting === greeting;
}
