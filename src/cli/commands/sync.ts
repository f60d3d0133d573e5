/**
 * `packsync sync`: the Git sync loop without a manager. Creates or updates a ClusterGitSync (a
 * GitSync with `--namespace`) for the repository and runs the controllers in-process (revision
 * engine, Package and GitSync controllers), printing progress on stderr. With `--once` it exits 0
 * once the commit's revision is Available and fails with the reason when the commit is refused,
 * the repository cannot be read or the rollout does not finish within `--timeout`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import {
  crds,
  gitSyncReasons as R,
  packsyncGroup,
  packsyncVersion,
  parseDuration,
  type GitRef,
} from '../../apis/index.js';
import { buildControllerSetups } from '../../controllers/index.js';
import { startManager, type RunningManager } from '../../controllers/runtime/index.js';
import { GitSource } from '../../git/index.js';
import { UserError, errorMessage } from '../../errors.js';
import {
  CRD_KIND,
  KubeClient,
  sleep,
  waitForEstablished,
  type KubeObject,
} from '../../kube/index.js';
import type { CommandContext } from '../main.js';
import { waitForSignal } from '../signals.js';

interface SyncFlags {
  url: string;
  ref?: string;
  tag?: string;
  semver?: string;
  commit?: string;
  path: string;
  kubeconfig?: string;
  name?: string;
  namespace?: string;
  once?: boolean;
  timeout: string;
  interval: string;
  installCrds?: boolean;
  cacheDir?: string;
}

const apiVersion = `${packsyncGroup}/${packsyncVersion}`;

export const missingCrdsMessage =
  'packsync CRDs are not installed in the cluster; run with --install-crds or `packsync crds | kubectl apply -f -`';

export function registerSync(program: Command, ctx: CommandContext): void {
  program
    .command('sync')
    .description(
      'sync a Git repository path into a cluster without a running manager: each commit becomes a revision that rolls out phase by phase',
    )
    .requiredOption('--url <url>', 'Git repository: https://, http://, file:// or a local path')
    .option('--ref <branch>', 'branch to follow (default main)')
    .option('--tag <tag>', 'tag to check out')
    .option('--semver <range>', 'check out the highest tag in this semantic version range')
    .option('--commit <sha>', 'commit to check out')
    .option('--path <path>', 'folder of the desired state inside the repository', '.')
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster config)',
    )
    .option('--name <name>', 'name of the (Cluster)GitSync (default: from the URL and path)')
    .option('--namespace <ns>', 'create a namespaced GitSync in this namespace')
    .option('--once', 'exit when the commit is Available (0) or failed (1) instead of following')
    .option('--timeout <duration>', 'with --once: how long to wait for Available', '10m')
    .option('--interval <duration>', 'how often to check the repository', '1m')
    .option('--install-crds', 'install the packsync CRDs when they are missing')
    .option('--cache-dir <dir>', 'where fetched repositories are cached (default: a temp dir)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  packsync sync --url https://git.example.com/platform/desired-state.git --path clusters/prod --once\n' +
        '  packsync sync --url . --path examples/desired-state --kubeconfig ./kubeconfig --install-crds\n',
    )
    .action(async (flags: SyncFlags) => {
      await runSync(flags, ctx);
    });
}

function gitRefOf(flags: SyncFlags): GitRef {
  const set = (['ref', 'tag', 'semver', 'commit'] as const).filter((k) => flags[k] !== undefined);
  if (set.length > 1) {
    throw new UserError(
      `--${set.join(', --')}: give at most one of --ref, --tag, --semver, --commit`,
    );
  }
  if (flags.tag !== undefined) return { tag: flags.tag };
  if (flags.semver !== undefined) return { semver: flags.semver };
  if (flags.commit !== undefined) {
    if (!/^[0-9a-f]{7,64}$/.test(flags.commit)) {
      throw new UserError(
        `--commit: not a commit sha (7 to 64 lowercase hex digits): ${flags.commit}`,
      );
    }
    return { commit: flags.commit };
  }
  return { branch: flags.ref ?? 'main' };
}

function durationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UserError(`${flag}: not a positive duration (e.g. 30s, 1m, 1h): ${text}`);
  }
  return ms;
}

/** A URL with a scheme is taken as is; anything else is a local path, made absolute. */
export function repositoryUrl(url: string, cwd = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  const abs = resolvePath(cwd, url);
  if (!existsSync(abs)) throw new UserError(`--url: no such repository or folder: ${url}`);
  return pathToFileURL(abs).href;
}

/** A DNS-1123 name from the repository and path: `desired-state`, `fleet-clusters-prod`. */
export function defaultSyncName(url: string, path: string): string {
  const repo = basename(new URL(url).pathname.replace(/\/+$/, '')).replace(/\.git$/, '');
  const parts = [repo, ...path.split('/').filter((p) => p !== '' && p !== '.')];
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'packsync-sync' : name;
}

/** Every packsync and Package Operator CRD present (installed when asked), and established. */
async function ensureCrds(
  client: KubeClient,
  install: boolean,
  progress: (line: string) => void,
): Promise<void> {
  const wanted = crds();
  const missing: typeof wanted = [];
  for (const crd of wanted) {
    const live = await client.get({ ...CRD_KIND, name: crd.metadata.name });
    if (live === undefined) missing.push(crd);
  }
  if (missing.length === 0) return;
  if (!install) {
    throw new UserError(
      `${missingCrdsMessage} (missing: ${missing.map((c) => c.metadata.name).join(', ')})`,
    );
  }
  progress(`installing ${missing.length} CRDs`);
  for (const crd of missing) await client.create(crd as unknown as KubeObject);
  const late = await waitForEstablished(
    client,
    missing.map((c) => c.metadata.name),
    { timeoutMs: 30_000, pollMs: 100 },
  );
  if (late !== undefined) throw new UserError(`CRD ${late} did not become Established within 30s`);
}

interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

interface SyncStatus {
  conditions?: Cond[];
  observedGeneration?: number;
  lastAttemptedCommit?: string;
  lastAppliedCommit?: string;
  revision?: number;
}

/** Creates the (Cluster)GitSync or updates its spec; returns it as stored. */
async function upsertGitSync(
  client: KubeClient,
  name: string,
  namespace: string | undefined,
  spec: Record<string, unknown>,
): Promise<KubeObject> {
  const kind = namespace === undefined ? 'ClusterGitSync' : 'GitSync';
  const ref = { apiVersion, kind, name, namespace };
  const live = await client.get(ref);
  if (live === undefined) {
    return client.create({
      apiVersion,
      kind,
      metadata: {
        name,
        ...(namespace !== undefined ? { namespace } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'packsync-sync' },
      },
      spec,
    });
  }
  // A merge patch merges `ref` key by key: clear the other kinds of ref explicitly.
  const clearRef = { branch: null, tag: null, semver: null, commit: null };
  return client.patch(ref, 'merge', {
    spec: { ...spec, ref: { ...clearRef, ...(spec.ref as object) }, suspend: false },
  });
}

/** The verdict of `--once` for a status; undefined while there is none yet. */
export function onceVerdict(
  status: SyncStatus,
  generation: number,
  expectedSha: string,
): { ok: true; message: string } | { ok: false; message: string } | undefined {
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const stalled = status.conditions?.find((c) => c.type === 'Stalled');
  if (ready === undefined || ready.observedGeneration !== generation) return undefined;
  if (stalled?.status === 'True' && stalled.reason === R.fetchFailed) {
    return { ok: false, message: `${stalled.reason}: ${stalled.message}` };
  }
  if (status.lastAttemptedCommit !== expectedSha) return undefined;
  if (ready.reason === R.validationFailed || ready.reason === R.renderFailed) {
    return { ok: false, message: `${ready.reason}: ${ready.message}` };
  }
  if (ready.status === 'True' && status.lastAppliedCommit === expectedSha) {
    return { ok: true, message: ready.message };
  }
  return undefined;
}

async function runSync(flags: SyncFlags, ctx: CommandContext): Promise<void> {
  const ref = gitRefOf(flags);
  const timeoutMs = durationFlag('--timeout', flags.timeout);
  durationFlag('--interval', flags.interval);
  const url = repositoryUrl(flags.url);
  const name = flags.name ?? defaultSyncName(url, flags.path);
  const namespace = flags.namespace;
  const kindName = `${namespace === undefined ? 'ClusterGitSync' : 'GitSync'} ${namespace ? `${namespace}/` : ''}${name}`;
  const progress = (line: string) => ctx.io.stderr.write(`sync: ${line}\n`);
  const logger = ctx.logger().child({ component: 'sync' });

  let client: KubeClient;
  try {
    client = await KubeClient.fromKubeConfigFile(flags.kubeconfig);
  } catch (err) {
    throw new UserError(`loading kubeconfig: ${errorMessage(err)}`, { cause: err });
  }
  let running: RunningManager | undefined;
  let tempCache: string | undefined;
  try {
    try {
      await ensureCrds(client, flags.installCrds === true, progress);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`checking the CRDs in ${client.server}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const cacheDir =
      flags.cacheDir ?? (tempCache = await mkdtemp(join(tmpdir(), 'packsync-sync-')));
    const gs = await upsertGitSync(client, name, namespace, {
      url,
      ref,
      path: flags.path,
      interval: flags.interval,
    }).catch((err: unknown) => {
      throw new UserError(`writing ${kindName}: ${errorMessage(err)}`, { cause: err });
    });
    progress(`${kindName} follows ${describe(ref)} of ${flags.url} at ${flags.path}`);
    running = await startManager({
      kubeconfig: flags.kubeconfig,
      setups: buildControllerSetups({ gitSync: { cacheDir } }),
      workers: 2,
      metricsAddr: '0',
      healthAddr: '0',
      logger,
    }).catch((err: unknown) => {
      throw new UserError(`starting the controllers: ${errorMessage(err)}`, { cause: err });
    });
    const generation = gs.metadata.generation ?? 0;
    if (flags.once) {
      // The commit to wait for: what the ref points at now.
      const source = new GitSource({ cacheDir });
      const { sha } = await source.resolve({ url, ref }).catch((err: unknown) => {
        throw new UserError(`FetchFailed: ${errorMessage(err)}`, { cause: err });
      });
      progress(`waiting for commit ${sha.slice(0, 7)} to become Available`);
      const verdict = await follow(client, gs, generation, progress, {
        expectedSha: sha,
        timeoutMs,
      });
      if (!verdict.ok) throw new UserError(`syncing ${kindName}: ${verdict.message}`);
      progress(`done: ${verdict.message}`);
    } else {
      await follow(client, gs, generation, progress, { until: waitForSignal() });
    }
  } finally {
    await running?.stop(5_000);
    client.close();
    if (tempCache !== undefined) await rm(tempCache, { recursive: true, force: true });
  }
}

function describe(ref: GitRef): string {
  if (ref.tag !== undefined) return `tag ${ref.tag}`;
  if (ref.semver !== undefined) return `semver ${ref.semver}`;
  if (ref.commit !== undefined) return `commit ${ref.commit}`;
  return `branch ${ref.branch ?? 'main'}`;
}

/**
 * Polls the GitSync and prints each change of its Ready condition; with `expectedSha` returns the
 * `--once` verdict (or a timeout), otherwise runs until `until` resolves.
 */
async function follow(
  client: KubeClient,
  gs: KubeObject,
  generation: number,
  progress: (line: string) => void,
  opts: { expectedSha?: string; timeoutMs?: number; until?: Promise<void> },
): Promise<{ ok: boolean; message: string }> {
  const ref = {
    apiVersion,
    kind: gs.kind,
    name: gs.metadata.name ?? '',
    namespace: gs.metadata.namespace,
  };
  let stop = false;
  void opts.until?.then(() => (stop = true));
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  let last = '';
  let lastReady = 'no status yet';
  while (!stop) {
    const live = await client.get(ref);
    const status = (live?.status ?? {}) as SyncStatus;
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    if (ready !== undefined) {
      lastReady = `${ready.reason}: ${ready.message}`;
      const line = `Ready=${ready.status} ${lastReady}`;
      if (line !== last) progress(line);
      last = line;
    }
    if (opts.expectedSha !== undefined) {
      const verdict = onceVerdict(status, generation, opts.expectedSha);
      if (verdict !== undefined) return verdict;
      if (Date.now() > deadline) {
        return {
          ok: false,
          message: `timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)}s waiting for commit ${opts.expectedSha.slice(0, 7)}: ${lastReady}`,
        };
      }
    }
    await sleep(200);
  }
  return { ok: true, message: lastReady };
}
