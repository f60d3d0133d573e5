/** Shared setup for the server conformance tests: a server over HTTPS and client-node clients. */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  ApiextensionsV1Api,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';

export interface TestServer {
  server: RunningServer;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  ext: ApiextensionsV1Api;
  objects: KubernetesObjectApi;
}

export async function startTestServer(opts: ServerOptions = {}): Promise<TestServer> {
  const server = await startServer(opts);
  return { server, ...clientsFor(server.kubeconfig) };
}

export function clientsFor(kubeconfig: string): Omit<TestServer, 'server'> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    ext: kc.makeApiClient(ApiextensionsV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

export interface StatusBody {
  kind: string;
  status: string;
  reason: string;
  message: string;
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { type?: string; field?: string; message?: string }[];
  };
}

/** The Status body of a failed client-node call (fails the test when the call succeeded). */
export async function statusOf(p: Promise<unknown>): Promise<StatusBody> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) {
      const body: unknown = err.body;
      return (typeof body === 'string' ? JSON.parse(body) : body) as StatusBody;
    }
    throw err;
  }
  throw new Error('expected the call to fail');
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
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

let counter = 0;
/** A fresh namespace per test. */
export async function freshNamespace(ts: TestServer, prefix = 't'): Promise<string> {
  counter += 1;
  const name = `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
  await ts.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Raw HTTPS request with the server's CA and token (for what client-node does not expose). */
export async function raw(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const { request } = await import('node:https');
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const data =
      body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        ca: server.caCert,
        headers: {
          authorization: `Bearer ${server.token}`,
          ...(data !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) for (const x of v) h.append(k, x);
            else if (v !== undefined) h.set(k, v);
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: h,
            text,
            json: () => JSON.parse(text) as unknown,
          });
        });
      },
    );
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

/** Objects a cluster puts in every namespace by itself (the root CA ConfigMap). */
const clusterProvided = new Set(['kube-root-ca.crt']);

/** Names of the objects a test created, without the ones the cluster adds to every namespace. */
export function testNames(items: readonly { metadata?: { name?: string } }[]): string[] {
  return items.map((i) => i.metadata?.name ?? '').filter((n) => !clusterProvided.has(n));
}

/** Reads, changes and writes until no concurrent writer (a simulated controller) got in between. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, tries = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries || !(err instanceof ApiException) || err.code !== 409) throw err;
    }
  }
}
