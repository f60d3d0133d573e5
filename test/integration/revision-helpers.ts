/**
 * Shared setup for the revision-engine tests: the embedded API server with Package Operator's
 * CRDs, a Manager running the ObjectDeployment / ObjectSet / ObjectSetPhase controllers, and
 * helpers to read conditions.
 */
import { crds } from '../../src/apis/index.js';
import { setupObjectDeployment } from '../../src/controllers/object-deployment/setup.js';
import { scopes } from '../../src/controllers/object-set/scope.js';
import { setupObjectSet, setupObjectSetPhase } from '../../src/controllers/object-set/setup.js';
import {
  Manager,
  type Controller,
  type ControllerSetup,
} from '../../src/controllers/runtime/index.js';
import {
  KubeClient,
  objectKey,
  type KubeObject,
  type ObjectRef,
  waitForEstablished,
} from '../../src/kube/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { eventually, freshNamespace, widgetCrd } from '../kube/helpers.js';

export { eventually, freshNamespace, widgetCrd };

export const PKO = 'package-operator.run/v1alpha1';

export interface RevisionEnv {
  server: RunningServer;
  client: KubeClient;
  mgr: Manager;
  controllers: Controller[];
  stop(): Promise<void>;
}

/** `extra` adds controllers (e.g. the Package controller) to the revision engine's. */
export async function startRevisionEnv(
  opts: { extra?: readonly ControllerSetup[] } = {},
): Promise<RevisionEnv> {
  const server = await startServer();
  const client = await KubeClient.fromKubeConfigString(server.kubeconfig);
  for (const crd of crds()) await client.create(crd as unknown as KubeObject);
  const names = crds().map((c) => c.metadata.name);
  const late = await waitForEstablished(client, names, { timeoutMs: 10_000 });
  if (late !== undefined) throw new Error(`CRD ${late} not established`);
  const mgr = new Manager({ client, informer: { backoffBaseMs: 20 } });
  const setups = scopes.flatMap((scope) => [
    setupObjectDeployment(scope),
    setupObjectSet(scope),
    setupObjectSetPhase(scope),
  ]);
  setups.push(...(opts.extra ?? []));
  const controllers: Controller[] = [];
  for (const s of setups) controllers.push(await s.setup(mgr, { workers: 2 }));
  for (const c of controllers) mgr.add(c);
  await mgr.start();
  return {
    server,
    client,
    mgr,
    controllers,
    stop: async () => {
      await mgr.stop(2_000);
      client.close();
      await server.stop();
    },
  };
}

export interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

export function conditionOf(obj: KubeObject | undefined, type: string): Cond | undefined {
  const conds = (obj?.status as { conditions?: Cond[] } | undefined)?.conditions;
  return conds?.find((c) => c.type === type);
}

/** Waits until `ref` has a condition of `type` with `status` (and reason, when given). */
export async function waitForCondition(
  client: KubeClient,
  ref: ObjectRef,
  type: string,
  status: string,
  reason?: string,
  timeoutMs = 15_000,
): Promise<KubeObject> {
  let last: KubeObject | undefined;
  try {
    return await eventually(
      async () => {
        last = await client.get(ref);
        const c = conditionOf(last, type);
        return (
          c !== undefined &&
          c.status === status &&
          (reason === undefined || c.reason === reason) &&
          last
        );
      },
      `${ref.kind} ${ref.name} ${type}=${status}${reason ? ` (${reason})` : ''}`,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; last conditions: ${JSON.stringify((last?.status as { conditions?: unknown })?.conditions)}`,
      { cause: err },
    );
  }
}

export function cm(
  name: string,
  data: Record<string, string> = {},
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data };
}

export function objectSet(
  ns: string | undefined,
  name: string,
  phases: {
    name: string;
    objects: { object: KubeObject; collisionProtection?: string }[];
    class?: string;
  }[],
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: PKO,
    kind: ns === undefined ? 'ClusterObjectSet' : 'ObjectSet',
    metadata: { name, ...(ns !== undefined ? { namespace: ns } : {}) },
    spec: { revision: 1, phases, ...spec },
  };
}

/** Writes (non-dry-run POST/PUT/PATCH/DELETE) the server logged since `from`. */
export function writesSince(
  server: RunningServer,
  from: number,
): { method: string; path: string }[] {
  return server
    .requests()
    .slice(from)
    .filter((r) => r.write)
    .map((r) => ({ method: r.method, path: r.path, dryRun: r.dryRun }));
}

/** Waits until every controller's queue is empty and idle (delayed re-checks aside). */
export async function settled(env: RevisionEnv, quietMs = 150): Promise<void> {
  let idleSince = 0;
  await eventually(
    () => {
      const busy = env.controllers.some((c) => c.queue.length > 0 || c.queue.inProcess > 0);
      if (busy) {
        idleSince = 0;
        return false;
      }
      if (idleSince === 0) idleSince = Date.now();
      return Date.now() - idleSince >= quietMs;
    },
    'controllers idle',
    20_000,
  );
}

/** A full resync: every object of every controller's kind is reconciled again; returns when idle. */
export async function resync(env: RevisionEnv): Promise<void> {
  for (const c of env.controllers) {
    const list = await env.client.list(PKO, c.name);
    for (const o of list.items) c.enqueue(objectKey(o));
  }
  await settled(env);
}
