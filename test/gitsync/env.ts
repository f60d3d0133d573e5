/**
 * The GitSync test environment: the embedded API server with the revision engine, the Package
 * controller and the (Cluster)GitSync controllers in one Manager; a real `git http-backend` serving
 * the desired-state repositories; a real `docker-registry` holding the `web` test package image.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageScopes } from '../../src/controllers/package/scope.js';
import { setupPackage } from '../../src/controllers/package/setup.js';
import { GitSyncTriggers, setupGitSyncs } from '../../src/controllers/git-sync/setup.js';
import { GitSource } from '../../src/git/index.js';
import type { KubeObject, KubeReader, ObjectRef } from '../../src/kube/index.js';
import { buildPackageImage, RegistryClient } from '../../src/oci/index.js';
import { importFolder } from '../../src/packages/index.js';
import { startGitServer, type GitServer } from '../helpers/git-server.js';
import { missingTools, startRegistry, type RunningRegistry } from '../oci/registry-helper.js';
import {
  conditionOf,
  eventually,
  startRevisionEnv,
  type Cond,
  type RevisionEnv,
} from '../integration/revision-helpers.js';

export { conditionOf, eventually, type Cond };

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const PKO = 'package-operator.run/v1alpha1';
export const PACKSYNC = 'packsync.dev/v1alpha1';

/** Tools the GitSync tests need (Debian packages git and docker-registry). */
export async function missingGitSyncTools(): Promise<string[]> {
  const missing = await missingTools(['git', 'docker-registry']);
  const { existsSync } = await import('node:fs');
  if (!existsSync('/usr/lib/git-core/git-http-backend')) missing.push('git-http-backend');
  return missing;
}

export interface GitSyncEnv extends RevisionEnv {
  git: GitServer;
  registry: RunningRegistry;
  source: GitSource;
  triggers: GitSyncTriggers;
  /** `<registry>/packages/web:v1`, the test package. */
  image: string;
  stopAll(): Promise<void>;
}

export async function startGitSyncEnv(
  opts: { webhookReceiver?: boolean } = {},
): Promise<GitSyncEnv> {
  const registry = await startRegistry();
  const image = `${registry.host}/packages/web:v1`;
  const built = await buildPackageImage((await importFolder(join(fixtures, 'web'))).files);
  await new RegistryClient({ insecure: true }).pushImage(image, built);
  const git = await startGitServer();
  const cacheDir = await mkdtemp(join(tmpdir(), 'packsync-gitsync-test-'));
  const source = new GitSource({ cacheDir });
  const triggers = new GitSyncTriggers();
  const env = await startRevisionEnv({
    extra: [
      ...packageScopes.map((scope) => setupPackage(scope)),
      ...setupGitSyncs({
        source,
        triggers,
        fetchBackoff: { baseMs: 200, maxMs: 1_000 },
        ...(opts.webhookReceiver ? { webhookReceiver: { port: 0, host: '127.0.0.1' } } : {}),
      }),
    ],
  });
  return {
    ...env,
    git,
    registry,
    source,
    triggers,
    image,
    stopAll: async () => {
      await env.stop();
      await git.stop();
      await registry.stop();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

export function clusterGitSync(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: PACKSYNC,
    kind: 'ClusterGitSync',
    metadata: { name },
    spec: { interval: '1h', ...spec },
  };
}

export const cgsRef = (name: string): ObjectRef => ({
  apiVersion: PACKSYNC,
  kind: 'ClusterGitSync',
  name,
});

export interface GitSyncStatus {
  conditions?: Cond[];
  observedGeneration?: number;
  lastAppliedCommit?: string;
  lastAttemptedCommit?: string;
  lastSyncTime?: string;
  revision?: number;
}

export function statusOf(obj: KubeObject | undefined): GitSyncStatus {
  return obj?.status ?? {};
}

/**
 * Waits until the GitSync reports `reason` on its Ready condition for `commit` (applied for
 * Synced/Progressing, attempted for refusals); returns it.
 */
export async function waitForSync(
  reader: KubeReader | { client: KubeReader },
  ref: ObjectRef,
  want: { reason: string; commit: string; revision?: number },
  timeoutMs = 30_000,
): Promise<KubeObject> {
  let last: KubeObject | undefined;
  try {
    return await eventually(
      async () => {
        last = await ('client' in reader ? reader.client : reader).get(ref);
        const st = statusOf(last);
        const ready = conditionOf(last, 'Ready');
        const commitOk =
          want.reason === 'Synced' || want.reason === 'Progressing'
            ? st.lastAppliedCommit === want.commit
            : st.lastAttemptedCommit === want.commit;
        return (
          ready?.reason === want.reason &&
          commitOk &&
          (want.revision === undefined || st.revision === want.revision) &&
          last
        );
      },
      `${ref.kind} ${ref.name} ${want.reason} at ${want.commit.slice(0, 7)}`,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last?.status)}`, {
      cause: err,
    });
  }
}

/** A Package object for a desired-state repository (YAML text). */
export function packageYaml(
  name: string,
  namespace: string,
  image: string,
  config: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
): string {
  return `apiVersion: ${PKO}
kind: Package
metadata:
  name: ${name}
  namespace: ${namespace}
  annotations: ${JSON.stringify(annotations)}
spec:
  image: ${image}
  config: ${JSON.stringify(config)}
`;
}

export function namespaceYaml(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

export async function configMapData(
  env: RevisionEnv,
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const cm = await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace });
  return cm?.data as Record<string, string> | undefined;
}
