/**
 * Environment detection for `.environment`: `kubernetes.version` from `/version` (gitVersion);
 * `openShift.version` (first Completed entry of ClusterVersion `version`'s history) and `proxy`
 * (Proxy `cluster` status, when a field is set) only when the OpenShift config API is served.
 * The result is kept for a minute and then probed again on the next use; a change never
 * re-renders a package by itself (only the unpack hash does).
 */
import type { KubeClient, KubeObject } from '../../kube/index.js';

export type Environment = Record<string, unknown>;

/** What the probe needs of a client. */
export type EnvironmentClient = Pick<KubeClient, 'requestJson' | 'get' | 'resourceFor'>;

const openShiftConfig = 'config.openshift.io/v1';
export const environmentProbeIntervalMs = 60_000;

async function servedObject(
  client: EnvironmentClient,
  kind: string,
  name: string,
): Promise<KubeObject | undefined> {
  if ((await client.resourceFor(openShiftConfig, kind)) === undefined) return undefined;
  return client.get({ apiVersion: openShiftConfig, kind, name });
}

/** Probes the cluster once. */
export async function detectEnvironment(client: EnvironmentClient): Promise<Environment> {
  const version = await client.requestJson<{ gitVersion?: string }>('GET', '/version');
  const env: Environment = { kubernetes: { version: version.gitVersion ?? '' } };
  const cv = await servedObject(client, 'ClusterVersion', 'version');
  if (cv !== undefined) {
    const history =
      (cv.status as { history?: { state?: string; version?: string }[] } | undefined)?.history ??
      [];
    const completed = history.find((h) => h.state === 'Completed');
    env.openShift = { version: completed?.version ?? '' };
  }
  const proxy = await servedObject(client, 'Proxy', 'cluster');
  const st = (proxy?.status ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const k of ['httpProxy', 'httpsProxy', 'noProxy']) {
    const v = st[k];
    if (typeof v === 'string' && v !== '') fields[k] = v;
  }
  if (Object.keys(fields).length > 0) env.proxy = fields;
  return env;
}

/** The detected environment, probed again once `intervalMs` has passed since the last probe. */
export class EnvironmentProbe {
  private last: { at: number; env: Environment } | undefined;
  private inflight: Promise<Environment> | undefined;

  constructor(
    private readonly client: EnvironmentClient,
    private readonly opts: { intervalMs?: number; now?: () => number } = {},
  ) {}

  async current(): Promise<Environment> {
    const now = this.opts.now?.() ?? Date.now();
    const interval = this.opts.intervalMs ?? environmentProbeIntervalMs;
    if (this.last !== undefined && now - this.last.at < interval) return this.last.env;
    this.inflight ??= detectEnvironment(this.client)
      .then((env) => {
        this.last = { at: now, env };
        return env;
      })
      .catch((err: unknown) => {
        // Keep rendering with the last known environment while the API is unreachable.
        if (this.last !== undefined) return this.last.env;
        throw new Error('detecting the cluster environment', { cause: err });
      })
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }
}
