/**
 * `packsync up DIR` on a desired state in a Git working directory: commit-to-deploy.
 *
 *   chooseUpSource: DIR in a Git work tree, no package folder below it, Package objects in it
 *     -> gitSource (else folderSource)
 *   gitSource.sync: build the local packages the desired state names (`packsync.local/<path>`,
 *     <path> from the repository root) -> apply a ClusterGitSync (url = the repository path, read
 *     in place; ref = the checked-out branch; path = DIR from the root) -> wait for its first sync
 *     -> the Packages of that revision are what `--wait` waits for
 *   gitSource.watch: chokidar on `.git` (HEAD, refs/heads, packed-refs) -> rebuild changed local
 *     packages -> follow a branch switch -> GitSyncTriggers.triggerSync: a commit syncs at once;
 *     an informer on the ClusterGitSync reports commit, revision and Ready as lines
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { watch as watchFiles } from 'chokidar';
import git from 'isomorphic-git';
import { coreGroup, coreVersion, packsyncGroup, packsyncVersion } from '../apis/index.js';
import { defaultGitSyncTriggers, type GitSyncTriggers } from '../controllers/index.js';
import { UserError, errorMessage } from '../errors.js';
import { Informer, type KubeClient, type KubeObject } from '../kube/index.js';
import { localRegistryHost, type FoundPackage, type FoundProblem } from './discover.js';
import { folderSource } from './folder-source.js';
import { buildLocalPackages } from './local-packages.js';
import type { SourceReporter, SourceResult, UpSession, UpSource } from './session.js';

const gitSyncApiVersion = `${packsyncGroup}/${packsyncVersion}`;
const pkoApiVersion = `${coreGroup}/${coreVersion}`;
const manifestNames = ['manifest.yaml', 'manifest.yml'];
/** Ready reasons of a first sync that deployed nothing new. */
const failedReasons = ['FetchFailed', 'ValidationFailed', 'RenderFailed'];
/** Files a desired state keeps its objects in (templates too). */
const objectFile = /\.(ya?ml)(\.gotmpl)?$/;
/** A walk of DIR stops after this many entries (a desired state is small). */
const walkLimit = 5_000;

/** Where a Git work tree keeps its state. */
export interface GitWorkTree {
  /** The folder holding `.git`. */
  root: string;
  /** Where HEAD is (`.git`, or the worktree's dir named by a `.git` file). */
  gitdir: string;
  /** Where refs and packed-refs are (`gitdir`, or the main repository's for a worktree). */
  commondir: string;
}

/** The checked-out branch, or the commit of a detached HEAD. */
export type GitHead = { branch: string } | { commit: string };

/** The work tree DIR is in (walking up from it), or undefined. */
export async function findWorkTree(dir: string): Promise<GitWorkTree | undefined> {
  let at = resolve(dir);
  for (;;) {
    const dotGit = join(at, '.git');
    const st = await stat(dotGit).catch(() => undefined);
    if (st?.isDirectory()) return { root: at, gitdir: dotGit, commondir: dotGit };
    if (st?.isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
      if (m?.[1] !== undefined) {
        const gitdir = resolve(at, m[1]);
        const common = await readFile(join(gitdir, 'commondir'), 'utf8').catch(() => undefined);
        return {
          root: at,
          gitdir,
          commondir: common === undefined ? gitdir : resolve(gitdir, common.trim()),
        };
      }
    }
    const up = resolve(at, '..');
    if (up === at) return undefined;
    at = up;
  }
}

/** HEAD of the work tree: `ref: refs/heads/<branch>` or a commit. */
export async function readHead(wt: GitWorkTree): Promise<GitHead> {
  const text = (await readFile(join(wt.gitdir, 'HEAD'), 'utf8')).trim();
  const m = /^ref:\s*refs\/heads\/(.+)$/.exec(text);
  if (m?.[1] !== undefined) return { branch: m[1] };
  if (/^[0-9a-f]{40,64}$/.test(text)) return { commit: text };
  throw new UserError(`${join(wt.gitdir, 'HEAD')}: neither a branch nor a commit: ${text}`);
}

interface DesiredStateScan {
  /** Some folder strictly below DIR holds a manifest: DIR is a folder of packages. */
  hasPackageFolders: boolean;
  /** Some object file holds a Package or ClusterPackage. */
  hasPackageObjects: boolean;
  /** `packsync.local/<repository>[:tag]` references: repository -> tags (`latest` when none). */
  localImages: Map<string, Set<string>>;
}

const packageKind = /^kind:\s*["']?(Cluster)?Package["']?\s*(#.*)?$/m;
const localImage = new RegExp(
  `${localRegistryHost.replace('.', '\\.')}/([a-z0-9]+(?:[._/-]+[a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?`,
  'g',
);

/** Reads DIR's object files (YAML and YAML templates) without parsing them. */
export async function scanDesiredState(dir: string): Promise<DesiredStateScan> {
  const out: DesiredStateScan = {
    hasPackageFolders: false,
    hasPackageObjects: false,
    localImages: new Map(),
  };
  let seen = 0;
  const walk = async (abs: string, top: boolean): Promise<void> => {
    const entries = await readdir(abs, { withFileTypes: true });
    if (!top && entries.some((e) => e.isFile() && manifestNames.includes(e.name))) {
      out.hasPackageFolders = true;
      return;
    }
    for (const e of entries) {
      if (++seen > walkLimit) return;
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.isSymbolicLink()) continue;
      const child = join(abs, e.name);
      if (e.isDirectory()) await walk(child, false);
      else if (e.isFile() && objectFile.test(e.name)) {
        const text = await readFile(child, 'utf8');
        if (packageKind.test(text)) out.hasPackageObjects = true;
        for (const m of text.matchAll(localImage)) {
          const repo = m[1] ?? '';
          let tags = out.localImages.get(repo);
          if (tags === undefined) out.localImages.set(repo, (tags = new Set()));
          tags.add(m[2] ?? 'latest');
        }
      }
    }
  };
  await walk(dir, true);
  return out;
}

export interface ChooseOptions {
  /** `--git` (true), `--no-git` (false), or neither: decide from DIR. */
  git?: boolean | undefined;
  cwd?: string | undefined;
  triggers?: GitSyncTriggers | undefined;
}

/**
 * Whether a package folder found by folder mode is really a desired state for Git mode: Package
 * objects naming `packsync.local/` images and no package folder below it. Those images are paths
 * from a repository root, so only Git mode can deploy it; folder mode skips it.
 */
export async function isDesiredStateFolder(folder: string): Promise<boolean> {
  const scan = await scanDesiredState(folder);
  return !scan.hasPackageFolders && scan.hasPackageObjects && scan.localImages.size > 0;
}

export type UpMode = { mode: 'folder' } | { mode: 'git'; workTree: GitWorkTree };

/**
 * How `packsync up DIR` treats DIR: Git mode when DIR is inside a Git work tree, holds Package or
 * ClusterPackage objects and no package folder below it (a desired state; DIR itself may hold the
 * manifest.yaml that orders its phases); `--git` / `--no-git` decide instead. Folder mode
 * otherwise, so `up examples/` builds and applies a folder of packages as before.
 */
export async function upMode(dir: string, opts: ChooseOptions = {}): Promise<UpMode> {
  const abs = resolve(opts.cwd ?? process.cwd(), dir);
  if (opts.git === false) return { mode: 'folder' };
  const isDir = (await stat(abs).catch(() => undefined))?.isDirectory() === true;
  // A missing DIR fails in folderSource.check with the usual message.
  if (!isDir) return { mode: 'folder' };
  const workTree = await findWorkTree(abs);
  if (workTree === undefined) {
    if (opts.git === true) throw new UserError(`${dir}: --git: not inside a Git work tree`);
    return { mode: 'folder' };
  }
  if (opts.git !== true) {
    const scan = await scanDesiredState(abs);
    if (scan.hasPackageFolders || !scan.hasPackageObjects) return { mode: 'folder' };
  }
  return { mode: 'git', workTree };
}

/** The source for `packsync up DIR` (see `upMode`). */
export async function chooseUpSource(dir: string, opts: ChooseOptions = {}): Promise<UpSource> {
  const cwd = opts.cwd ?? process.cwd();
  const m = await upMode(dir, opts);
  return m.mode === 'git'
    ? gitSource(dir, m.workTree, { cwd, triggers: opts.triggers })
    : folderSource(dir, cwd);
}

/** A DNS label from the desired state's folder name (the repository's when DIR is its root). */
export function gitSyncName(wt: GitWorkTree, abs: string): string {
  const name = basename(abs === wt.root ? wt.root : abs)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return name === '' ? 'desired-state' : name;
}

function refOf(head: GitHead): Record<string, string> {
  return 'branch' in head ? { branch: head.branch } : { commit: head.commit };
}

function describeHead(head: GitHead): string {
  return 'branch' in head ? `branch ${head.branch}` : `commit ${head.commit.slice(0, 7)}`;
}

interface GitSyncStatusLike {
  lastAttemptedCommit?: string;
  lastAppliedCommit?: string;
  revision?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/**
 * One line for the GitSync's state: revision, commit (with its subject when known), Ready with its
 * reason; the message only when Ready is False for a reason other than Progressing (the package
 * lines already show a rollout's progress).
 */
export function gitSyncLine(
  gs: KubeObject,
  subject: (commit: string) => string | undefined = () => undefined,
): string | undefined {
  const st = (gs.status ?? {}) as GitSyncStatusLike;
  const ready = st.conditions?.find((c) => c.type === 'Ready');
  if (ready === undefined || st.lastAttemptedCommit === undefined) return undefined;
  const commit = (c: string): string => {
    const s = subject(c);
    return `commit ${c.slice(0, 7)}${s === undefined ? '' : ` ${JSON.stringify(s)}`}`;
  };
  const head = `ClusterGitSync ${gs.metadata.name ?? ''}`;
  const state = `Ready=${ready.status} (${ready.reason ?? ''})`;
  if (st.lastAppliedCommit !== undefined && st.lastAppliedCommit !== st.lastAttemptedCommit) {
    const rev = st.revision === undefined ? 'the last revision' : `revision ${st.revision}`;
    return (
      `${head}: ${commit(st.lastAttemptedCommit)} refused, ${rev} (commit ` +
      `${st.lastAppliedCommit.slice(0, 7)}) keeps running: ${state}: ` +
      // The controller's message says the same first; the reason follows it.
      (ready.message ?? '').replace(/^commit [0-9a-f]+ refused, [^:]*: /, '')
    );
  }
  const rev = st.revision === undefined ? '' : `revision ${st.revision}, `;
  const quiet = ready.status === 'True' || ready.reason === 'Progressing' || !ready.message;
  return `${head}: ${rev}${commit(st.lastAttemptedCommit)}: ${state}${quiet ? '' : `: ${ready.message}`}`;
}

/** The first line of a commit's message, read from the object store; undefined when unreadable. */
async function commitSubject(wt: GitWorkTree, oid: string): Promise<string | undefined> {
  try {
    const c = await git.readCommit({ fs, gitdir: wt.commondir, oid });
    const first = c.commit.message.split('\n')[0]?.trim() ?? '';
    return first.length > 60 ? `${first.slice(0, 59)}…` : first;
  } catch {
    return undefined;
  }
}

/** Fingerprint of a folder: every file's path, size and modification time. */
async function fingerprint(folder: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (abs: string): Promise<void> => {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const p = join(abs, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const st = await stat(p);
        h.update(`${relative(folder, p)}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  await walk(folder);
  return h.digest('hex');
}

/**
 * The local packages of a desired state: each `packsync.local/<path>` it names is the package
 * folder at <path> from the repository root, built from the working tree with the tags named.
 * Rebuilt only when its files or the tags asked for changed.
 */
class LocalPackages {
  private readonly built = new Map<string, { print: string; tags: Set<string> }>();

  constructor(
    private readonly wt: GitWorkTree,
    private readonly shown: (abs: string) => string,
  ) {}

  async refresh(
    images: Map<string, Set<string>>,
    session: UpSession,
    report: SourceReporter,
  ): Promise<FoundProblem[]> {
    const problems: FoundProblem[] = [];
    const todo: FoundPackage[] = [];
    const tagsOf = new Map<string, string[]>();
    for (const [repository, tags] of images) {
      const folder = join(this.wt.root, ...repository.split('/'));
      const manifest = await this.manifestOf(folder);
      if (manifest === undefined) {
        problems.push({
          file: this.shown(folder),
          message: `no package folder (with a manifest.yaml) for image ${localRegistryHost}/${repository}`,
        });
        continue;
      }
      const print = await fingerprint(folder);
      const prev = this.built.get(repository);
      if (prev?.print === print && [...tags].every((t) => prev.tags.has(t))) continue;
      tagsOf.set(repository, [...new Set([...(prev?.print === print ? prev.tags : []), ...tags])]);
      todo.push({
        folder,
        path: repository,
        manifestFile: manifest,
        manifestShown: this.shown(manifest),
        repository,
      });
    }
    if (todo.length === 0) return problems;
    const prints = new Map<string, string>();
    for (const p of todo) prints.set(p.repository, await fingerprint(p.folder));
    const result = await buildLocalPackages(todo, session.registryClient, session.registry.host, {
      shown: this.shown,
      tagsFor: (repo) => tagsOf.get(repo) ?? [],
      onBuilt: (b) =>
        report.info(
          `built ${this.shown(b.found.folder)} -> ${localRegistryHost}/${b.found.repository}:${b.tags.join(',')}@${b.digest.slice(0, 19)}`,
        ),
      onFailed: (p) => report.problem(p),
    });
    for (const b of result.built.values()) {
      this.built.set(b.found.repository, {
        print: prints.get(b.found.repository) ?? '',
        tags: new Set(b.tags),
      });
    }
    return [...problems, ...result.failed.values()];
  }

  private async manifestOf(folder: string): Promise<string | undefined> {
    for (const n of manifestNames) {
      const p = join(folder, n);
      if ((await stat(p).catch(() => undefined))?.isFile()) return p;
    }
    return undefined;
  }
}

export interface GitSourceOptions {
  cwd?: string | undefined;
  /** Where the GitSync controllers of the session listen (default `defaultGitSyncTriggers`). */
  triggers?: GitSyncTriggers | undefined;
  /** How long `sync` waits for the first sync of the ClusterGitSync (default 60 s). */
  firstSyncTimeoutMs?: number | undefined;
}

/** Packages and ClusterPackages of the GitSync's ObjectDeployment (inline or in slices). */
async function deployedPackages(client: KubeClient, name: string): Promise<KubeObject[]> {
  const od = await client.get({
    apiVersion: pkoApiVersion,
    kind: 'ClusterObjectDeployment',
    name,
  });
  const phases =
    (
      od?.spec as
        { template?: { spec?: { phases?: { objects?: { object: KubeObject }[] }[] } } } | undefined
    )?.template?.spec?.phases ?? [];
  const objects: KubeObject[] = phases.flatMap((p) => (p.objects ?? []).map((o) => o.object));
  for (const p of phases as { slices?: string[] }[]) {
    for (const s of p.slices ?? []) {
      const slice = await client.get({
        apiVersion: pkoApiVersion,
        kind: 'ClusterObjectSlice',
        name: s,
      });
      for (const o of (slice as { objects?: { object: KubeObject }[] } | undefined)?.objects ??
        []) {
        objects.push(o.object);
      }
    }
  }
  return objects.filter(
    (o) => o.apiVersion === pkoApiVersion && (o.kind === 'Package' || o.kind === 'ClusterPackage'),
  );
}

/** The up source for a desired state at DIR in the work tree `wt`. */
export function gitSource(dir: string, wt: GitWorkTree, opts: GitSourceOptions = {}): UpSource {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, dir);
  const triggers = opts.triggers ?? defaultGitSyncTriggers;
  const shown = (p: string): string => {
    const rel = relative(cwd, p);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
  };
  const path = relative(wt.root, abs).split(sep).join('/') || '.';
  const name = gitSyncName(wt, abs);
  const packages = new LocalPackages(wt, shown);
  let head: GitHead | undefined;
  /** The GitSync line last shown (sync shows the first, the watch every change). */
  let lastLine: string | undefined;
  const subjects = new Map<string, string | undefined>();
  const lineFor = async (gs: KubeObject): Promise<string | undefined> => {
    const sha = (gs.status as GitSyncStatusLike | undefined)?.lastAttemptedCommit;
    if (sha !== undefined && !subjects.has(sha)) subjects.set(sha, await commitSubject(wt, sha));
    return gitSyncLine(gs, (c) => subjects.get(c));
  };

  const gitSync = (h: GitHead): KubeObject => ({
    apiVersion: gitSyncApiVersion,
    kind: 'ClusterGitSync',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'packsync-up' } },
    // The watch of .git triggers every sync; the interval only backs it up.
    spec: { url: wt.root, ref: refOf(h), path, interval: '5m' },
  });
  const applyGitSync = async (session: UpSession, h: GitHead): Promise<void> => {
    await session.client.apply(gitSync(h), { force: true, fieldManager: 'packsync' });
  };
  const refreshPackages = async (
    session: UpSession,
    report: SourceReporter,
  ): Promise<FoundProblem[]> =>
    packages.refresh((await scanDesiredState(abs)).localImages, session, report);

  return {
    describe: dir,
    async check(): Promise<void> {
      head = await readHead(wt);
    },
    async sync(session: UpSession, report: SourceReporter): Promise<SourceResult> {
      const h = (head ??= await readHead(wt));
      const problems = await refreshPackages(session, report);
      for (const p of problems) report.problem(p);
      await applyGitSync(session, h);
      report.info(
        `applied ClusterGitSync ${name}: follows ${describeHead(h)} of the Git repository ` +
          `${shown(wt.root)}, path ${path}; commit to deploy`,
      );
      // The first sync decides what the revision deploys: wait for it (bounded).
      const deadline = Date.now() + (opts.firstSyncTimeoutMs ?? 60_000);
      let line: string | undefined;
      let gs: KubeObject | undefined;
      for (;;) {
        gs = await session.client.get({
          apiVersion: gitSyncApiVersion,
          kind: 'ClusterGitSync',
          name,
        });
        line = gs === undefined ? undefined : await lineFor(gs);
        if (line !== undefined) break;
        if (Date.now() > deadline) {
          problems.push({ file: shown(abs), message: `ClusterGitSync ${name}: no sync yet` });
          return { applied: [], problems };
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      report.info((lastLine = line));
      const ready = (gs?.status as GitSyncStatusLike | undefined)?.conditions?.find(
        (c) => c.type === 'Ready',
      );
      if (ready?.status === 'False' && failedReasons.includes(ready.reason ?? '')) {
        problems.push({ file: shown(abs), message: line });
      }
      return { applied: await deployedPackages(session.client, name), problems };
    },
    watch(session: UpSession, report: SourceReporter): () => Promise<void> {
      const informer = new Informer(session.client, {
        apiVersion: gitSyncApiVersion,
        kind: 'ClusterGitSync',
      });
      // Lines in the order of the events, though reading a commit's subject is asynchronous.
      let lines: Promise<void> = Promise.resolve();
      const off = informer.addHandler((ev) => {
        if (ev.type === 'delete' || ev.object.metadata.name !== name) return;
        const gs = ev.object;
        lines = lines.then(async () => {
          const line = await lineFor(gs);
          if (line === undefined || line === lastLine) return;
          report.info((lastLine = line));
        });
      });
      informer.start();
      let running: Promise<void> = Promise.resolve();
      let pending = false;
      const onGitChange = async (): Promise<void> => {
        try {
          const h = await readHead(wt);
          if (head === undefined || JSON.stringify(refOf(h)) !== JSON.stringify(refOf(head))) {
            head = h;
            await applyGitSync(session, h);
            report.info(`ClusterGitSync ${name}: now follows ${describeHead(h)}`);
          }
          for (const p of await refreshPackages(session, report)) report.problem(p);
          triggers.triggerSync(undefined, name);
        } catch (err) {
          report.problem({ file: shown(wt.gitdir), message: errorMessage(err) });
        }
      };
      // One refresh at a time; changes during one fold into one more.
      const schedule = (): void => {
        if (pending) return;
        pending = true;
        running = running.then(() => {
          pending = false;
          return onGitChange();
        });
      };
      const watcher = watchFiles(
        [
          join(wt.gitdir, 'HEAD'),
          join(wt.commondir, 'packed-refs'),
          join(wt.commondir, 'refs', 'heads'),
        ],
        { ignoreInitial: true },
      );
      watcher.on('all', (_event, file) => {
        if (!file.endsWith('.lock')) schedule();
      });
      watcher.on('error', (err) =>
        report.problem({ file: shown(wt.gitdir), message: `watching: ${errorMessage(err)}` }),
      );
      return async () => {
        await watcher.close();
        off();
        await informer.stop();
        await running;
        await lines;
      };
    },
  };
}
