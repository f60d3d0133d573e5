/**
 * What the cluster verbs (`rollout history`, `pause`/`unpause`, `clustertree`) share: the
 * `<resource>[/]<name>` arguments with Package Operator's messages, resource names and aliases,
 * the kubeconfig lookup, the ObjectSets of a package or ObjectDeployment, and API errors turned
 * into user errors.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { annotations, coreGroup, coreVersion, labels } from '../apis/index.js';
import { UserError, errorMessage } from '../errors.js';
import { KubeApiError, KubeClient, NoKindMatchError, type KubeObject } from '../kube/index.js';

export const pkoApiVersion = `${coreGroup}/${coreVersion}`;

export type TargetKind =
  'Package' | 'ClusterPackage' | 'ObjectDeployment' | 'ClusterObjectDeployment';

/** Singular, plural and short names (as the CRDs declare them), case-insensitive. */
const aliases: Record<TargetKind, readonly string[]> = {
  Package: ['package', 'packages', 'pkg'],
  ClusterPackage: ['clusterpackage', 'clusterpackages', 'clpkg'],
  ObjectDeployment: ['objectdeployment', 'objectdeployments', 'objdeploy', 'od'],
  ClusterObjectDeployment: [
    'clusterobjectdeployment',
    'clusterobjectdeployments',
    'clobjdeploy',
    'cod',
  ],
};

export interface Target {
  kind: TargetKind;
  name: string;
  /** Undefined for the cluster-scoped kinds. */
  namespace: string | undefined;
}

export function isClusterScoped(kind: TargetKind): boolean {
  return kind.startsWith('Cluster');
}

/**
 * `<resource>/<name>` or `<resource> <name>`, with Package Operator's messages for a malformed
 * pair, and the resource resolved among `allowed` (a `<kind>.package-operator.run` form works too).
 */
export function parseTarget(
  args: readonly string[],
  allowed: readonly TargetKind[],
  namespace: string | undefined,
): Target {
  let resource: string;
  let name: string;
  if (args.length === 1) {
    const arg = args[0] ?? '';
    const slash = arg.indexOf('/');
    if (slash < 0) {
      throw new UserError(
        'invalid arguments: arguments in resource/name form must have a single resource and name',
      );
    }
    resource = arg.slice(0, slash);
    name = arg.slice(slash + 1);
  } else if (args.length === 2) {
    resource = args[0] ?? '';
    name = args[1] ?? '';
  } else {
    throw new UserError(
      'invalid arguments: no less than 1 and no more than 2 arguments may be provided',
    );
  }
  if (name === '') throw new UserError('invalid arguments: the name must not be empty');
  const kind = resolveKind(resource, allowed);
  if (kind === undefined) {
    const expected = allowed.map((k) => aliases[k][0]).join(', ');
    throw new UserError(`invalid resource type: "${resource}" (expected one of: ${expected})`);
  }
  return { kind, name, namespace: isClusterScoped(kind) ? undefined : (namespace ?? 'default') };
}

function resolveKind(resource: string, allowed: readonly TargetKind[]): TargetKind | undefined {
  let r = resource.toLowerCase();
  if (r.endsWith(`.${coreGroup}`)) r = r.slice(0, -(coreGroup.length + 1));
  return allowed.find((k) => aliases[k].includes(r));
}

export function describeTarget(t: Target): string {
  return `${t.kind} ${t.namespace === undefined ? '' : `${t.namespace}/`}${t.name}`;
}

/** `-n/--namespace` and `--kubeconfig`, shared by every cluster verb. */
export function addClusterFlags(cmd: Command, namespaceHelp: string): Command {
  return cmd
    .option('-n, --namespace <ns>', namespaceHelp)
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)');
}

export interface ClusterFlags {
  namespace?: string;
  kubeconfig?: string;
}

/** A client for the kubeconfig flag, else the default lookup like kubectl's. */
export async function connect(kubeconfig: string | undefined): Promise<KubeClient> {
  if (
    kubeconfig === undefined &&
    (process.env.KUBECONFIG ?? '') === '' &&
    (process.env.KUBERNETES_SERVICE_HOST ?? '') === '' &&
    !existsSync(join(homedir(), '.kube', 'config'))
  ) {
    throw new UserError(
      'no kubeconfig: pass --kubeconfig, set $KUBECONFIG or create ~/.kube/config (packsync server --kubeconfig-out writes one)',
    );
  }
  try {
    return await KubeClient.fromKubeConfigFile(kubeconfig);
  } catch (err) {
    throw new UserError(
      `loading kubeconfig${kubeconfig === undefined ? '' : ` ${kubeconfig}`}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/**
 * Runs `fn` with a client and closes it afterwards; API and network failures become user errors
 * with `what` as their context frame (a bug in packsync stays a bug).
 */
export async function withClient<T>(
  flags: ClusterFlags,
  what: string,
  fn: (client: KubeClient) => Promise<T>,
): Promise<T> {
  const client = await connect(flags.kubeconfig);
  try {
    return await fn(client);
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (
      err instanceof KubeApiError ||
      err instanceof NoKindMatchError ||
      (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string')
    ) {
      const hint =
        err instanceof NoKindMatchError
          ? ' (are the package-operator.run CRDs installed in this cluster?)'
          : '';
      throw new UserError(`${what}: ${errorMessage(err)}${hint}`, { cause: err });
    }
    throw err;
  } finally {
    client.close();
  }
}

/** The target object; a UserError when it does not exist. */
export async function getTarget(client: KubeClient, t: Target): Promise<KubeObject> {
  const obj = await client.get({
    apiVersion: pkoApiVersion,
    kind: t.kind,
    name: t.name,
    namespace: t.namespace,
  });
  if (obj === undefined) throw new UserError(`${describeTarget(t)} not found`);
  return obj;
}

/**
 * The revisions of a package (label `package-operator.run/instance=<name>`) or of an
 * ObjectDeployment (label `package-operator.run/object-deployment=<name>`), in its namespace.
 */
export async function objectSetsOf(client: KubeClient, t: Target): Promise<KubeObject[]> {
  const isPackage = t.kind === 'Package' || t.kind === 'ClusterPackage';
  const selector = `${isPackage ? labels.instance : labels.objectDeployment}=${t.name}`;
  const kind = isClusterScoped(t.kind) ? 'ClusterObjectSet' : 'ObjectSet';
  const list = await client.list(pkoApiVersion, kind, {
    namespace: t.namespace,
    labelSelector: selector,
  });
  return list.items;
}

/** `status.revision`, else `spec.revision`, else 0. */
export function revisionOf(os: KubeObject): number {
  const st = (os.status as { revision?: unknown } | undefined)?.revision;
  if (typeof st === 'number') return st;
  const sp = (os.spec as { revision?: unknown } | undefined)?.revision;
  return typeof sp === 'number' ? sp : 0;
}

interface Condition {
  type: string;
  status: string;
  observedGeneration?: number;
}

export function conditionOf(obj: KubeObject, type: string): Condition | undefined {
  return (obj.status as { conditions?: Condition[] } | undefined)?.conditions?.find(
    (c) => c.type === type,
  );
}

export function changeCauseOf(os: KubeObject): string {
  return os.metadata.annotations?.[annotations.changeCause] ?? '';
}
