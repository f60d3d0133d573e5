/** Shared setup for the runtime tests: the embedded API server over HTTPS and a KubeClient. */
import { KubeClient, type KubeObject } from '../../src/kube/index.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';

export interface Env {
  server: RunningServer;
  client: KubeClient;
  stop(): Promise<void>;
}

export async function startEnv(opts: ServerOptions = {}): Promise<Env> {
  const server = await startServer(opts);
  const client = await KubeClient.fromKubeConfigString(server.kubeconfig);
  return {
    server,
    client,
    stop: async () => {
      client.close();
      await server.stop();
    },
  };
}

let counter = 0;
/** A fresh namespace per test. */
export async function freshNamespace(client: KubeClient, prefix = 'k'): Promise<string> {
  counter += 1;
  const name = `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

export function configMap(
  namespace: string,
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    data,
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after the deadline. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A namespaced CRD `Widget` in group `<group>` (served v1, status subresource). */
export function widgetCrd(group: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}
