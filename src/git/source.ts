/**
 * GitSource: resolve a ref with one refs advertisement, fetch a commit only when the cache lacks it
 * (shallow, single ref, no checkout), and read the tree at a path from the object store. Local
 * repositories (a path or `file://`) are read in place and never fetched.
 *
 * Cache layout under `cacheDir`: one bare repository per URL (`<hash of the URL>/`) holding depth-1
 * snapshots; a second one (`<hash>-full/`) with whole history, created only for a pinned commit that
 * is not at any branch or tag tip. Fetches of one repository are serialised in this process.
 */
import * as fs from 'node:fs';
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import git from 'isomorphic-git';

import type { GitRef } from '../apis/index.js';
import { errorMessage } from '../errors.js';
import { GitSourceError, type GitSourceErrorReason } from './errors.js';
import { GitHttp } from './http.js';
import { chooseRef, describeRef, highestSemverTag } from './refs.js';
import { readTreeFiles, type TreeMemo } from './tree.js';
import { cacheKey, parseRepoLocation, redactText, splitUrlCredentials } from './url.js';

export interface GitCredentials {
  username?: string | undefined;
  password?: string | undefined;
  /**
   * An access token, sent as HTTP Basic with the token as password and `username` (default
   * `x-access-token`) as user: GitHub, GitLab (personal, project and deploy tokens), Gitea and
   * Bitbucket accept it this way. For a GitLab OAuth token set `username: 'oauth2'`.
   */
  token?: string | undefined;
  /** Extra CA certificate(s) (PEM) trusted in addition to the system roots. */
  caPem?: string | undefined;
}

export interface GitRepository {
  /** `https://`, `http://`, `file://` or a local path (a work tree with `.git`, or a bare repo). */
  url: string;
  ref: GitRef;
  credentials?: GitCredentials | undefined;
}

export interface ResolvedRef {
  sha: string;
  /** `refs/heads/main`, `refs/tags/v1.2.0`, or the sha for a commit ref. */
  refName: string;
}

export interface CommitInfo {
  sha: string;
  message: string;
  author: { name: string; email: string; /** unix seconds */ timestamp: number };
}

export interface CheckoutResult {
  commit: CommitInfo;
  /**
   * File contents by path relative to the checked-out folder, `/`-separated. The buffers of files
   * in unchanged subtrees are shared with earlier results: treat them as read-only.
   */
  files: Map<string, Uint8Array>;
}

/** pino-compatible logger subset. */
export interface GitLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface GitSourceOptions {
  /** Directory for the fetched repositories (created when missing). */
  cacheDir: string;
  /** Bound on one resolve or checkout call, retries included (default 60 s). */
  timeoutMs?: number | undefined;
  /** Limit on a fetched pack and on the total size of the files read (default 256 MiB). */
  maxBytes?: number | undefined;
  /** Retries after a network error or an HTTP 5xx/429 (default 2); never after 401/403/404. */
  retries?: number | undefined;
  /** First backoff delay, doubled per retry (default 250 ms). */
  retryBaseMs?: number | undefined;
  logger?: GitLogger | undefined;
}

export interface GitSourceStats {
  resolves: number;
  /** Fetch operations that reached the network (each may be a refs request and a pack request). */
  fetches: number;
  bytesFetched: number;
}

interface CallOptions {
  signal?: AbortSignal | undefined;
}

interface Remote {
  kind: 'remote';
  url: string;
  display: string;
  origin: string;
  authHeaders: Record<string, string>;
  caPem: string | undefined;
}

interface Local {
  kind: 'local';
  path: string;
  display: string;
}

const silent: GitLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
/** Local ref recording the last fetched commit: it is the `have` of the next fetch. */
const haveRef = 'refs/packsync/last';
const shaPattern = /^[0-9a-f]{40}$/;
/** (repository, path) pairs whose last tree read is kept for the next one. */
const maxMemos = 32;

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function authHeaders(
  urlUser: string | undefined,
  urlPass: string | undefined,
  c?: GitCredentials,
): Record<string, string> {
  if (c?.token) return { Authorization: basic(c.username || 'x-access-token', c.token) };
  if (c?.username !== undefined || c?.password !== undefined) {
    return { Authorization: basic(c.username ?? '', c.password ?? '') };
  }
  if (urlUser !== undefined || urlPass !== undefined) {
    return { Authorization: basic(urlUser ?? '', urlPass ?? '') };
  }
  return {};
}

function errCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string') return e.code;
  return typeof e.cause?.code === 'string' ? e.cause.code : undefined;
}

function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: string; data?: { statusCode?: number } };
  return e.code === 'HttpError' ? e.data?.statusCode : undefined;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

export class GitSource {
  private readonly cacheDir: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly log: GitLogger;
  private readonly counters: GitSourceStats = { resolves: 0, fetches: 0, bytesFetched: 0 };
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Subtrees of the last read of each (repository, path), reused when unchanged; LRU order. */
  private readonly memos = new Map<string, TreeMemo['next']>();
  /** Tips of each repository's last advertisement: a sha there can be fetched shallowly by itself. */
  private readonly tips = new Map<string, Set<string>>();

  constructor(opts: GitSourceOptions) {
    this.cacheDir = resolvePath(opts.cacheDir);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    this.retries = opts.retries ?? 2;
    this.retryBaseMs = opts.retryBaseMs ?? 250;
    this.log = opts.logger ?? silent;
  }

  stats(): GitSourceStats {
    return { ...this.counters };
  }

  /** Cheap remote check (refs advertisement only, no pack download); local repos read in place. */
  async resolve(repo: GitRepository, opts: CallOptions = {}): Promise<ResolvedRef> {
    this.counters.resolves++;
    const where = this.locate(repo);
    const what = `resolving ${describeRef(repo.ref)} of ${where.display}`;
    if (where.kind === 'local') {
      return this.guard(where.display, what, opts.signal, async () =>
        this.resolveLocal(where, await this.localGitdir(where), repo.ref, what),
      );
    }
    return this.guard(where.display, what, opts.signal, async (signal) => {
      const refs = await this.retrying(where, what, signal, async (http) => {
        const info = await git.getRemoteInfo2({ http, url: where.url, protocolVersion: 1 });
        return info.refs ?? [];
      });
      this.tips.set(where.url, new Set(refs.map((r) => r.peeled ?? r.oid)));
      const choice = chooseRef(refs, repo.ref);
      if (choice.kind === 'found') return { sha: choice.sha, refName: choice.refName };
      if (choice.kind === 'missing') {
        throw new GitSourceError('RefNotFound', where.display, `${what}: ${choice.message}`);
      }
      // A commit that is no tip: a full sha is taken as is (checkout fetches history for it);
      // a short one is looked up in history.
      if (shaPattern.test(choice.commit)) return { sha: choice.commit, refName: choice.commit };
      const gitdir = await this.withLock(where.url, () =>
        this.ensureCommit(where, choice.commit, signal),
      );
      const sha = await git.expandOid({ fs, gitdir, oid: choice.commit });
      return { sha, refName: sha };
    });
  }

  /** Fetches only when `sha` is not already in the cache; reads the tree at `path` from the object store. */
  async checkout(
    repo: GitRepository,
    sha: string,
    path: string,
    opts: CallOptions = {},
  ): Promise<CheckoutResult> {
    const where = this.locate(repo);
    const what = `checking out ${path || '.'} at ${sha.slice(0, 12)} of ${where.display}`;
    return this.guard(where.display, what, opts.signal, async (signal) => {
      let gitdir: string;
      let full = sha;
      if (where.kind === 'local') {
        gitdir = await this.localGitdir(where);
        full = await this.expandLocal(gitdir, sha, where.display, what);
      } else {
        gitdir = await this.withLock(where.url, () => this.ensureCommit(where, sha, signal));
        if (!shaPattern.test(sha)) full = await git.expandOid({ fs, gitdir, oid: sha });
      }
      return this.readCheckout(gitdir, full, path, where.display, what);
    });
  }

  // --- locations -------------------------------------------------------------------------------

  private locate(repo: GitRepository): Remote | Local {
    const loc = parseRepoLocation(repo.url);
    if (!loc) {
      throw new GitSourceError(
        'FetchFailed',
        redactText(repo.url),
        `unsupported repository URL ${redactText(repo.url)}: use https://, http://, file:// or a local path`,
      );
    }
    if (loc.kind === 'local') return { kind: 'local', path: loc.path, display: loc.display };
    const split = splitUrlCredentials(loc.url);
    const url = split.url.replace(/\/+$/, '');
    return {
      kind: 'remote',
      url,
      display: loc.display.replace(/\/+$/, ''),
      origin: new URL(url).origin,
      authHeaders: authHeaders(split.username, split.password, repo.credentials),
      caPem: repo.credentials?.caPem,
    };
  }

  /** The git dir of a local repository: `<path>/.git` (dir or `gitdir:` file) or a bare repo. */
  private async localGitdir(where: Local): Promise<string> {
    const isDir = async (p: string): Promise<boolean> =>
      (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
    let gitdir: string | undefined;
    const dotgit = join(where.path, '.git');
    const st = await stat(dotgit).catch(() => undefined);
    if (st?.isDirectory()) gitdir = dotgit;
    else if (st?.isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(await readFile(dotgit, 'utf8'));
      if (m?.[1]) gitdir = resolvePath(where.path, m[1].trim());
    } else if (
      (await isDir(join(where.path, 'objects'))) &&
      (await isDir(join(where.path, 'refs')))
    ) {
      gitdir = where.path;
    }
    if (!gitdir) {
      throw new GitSourceError(
        'FetchFailed',
        where.display,
        `reading ${where.display}: not a git repository (no .git, and not a bare repository)`,
      );
    }
    // A linked work tree keeps objects and branches in the common dir.
    const common = await readFile(join(gitdir, 'commondir'), 'utf8').catch(() => undefined);
    return common ? resolvePath(gitdir, common.trim()) : gitdir;
  }

  private async resolveLocal(
    where: Local,
    gitdir: string,
    ref: GitRef,
    what: string,
  ): Promise<ResolvedRef> {
    const peel = async (oid: string): Promise<string> => {
      for (let i = 0; i < 10; i++) {
        const { type, object } = await git.readObject({ fs, gitdir, oid, format: 'parsed' });
        if (type !== 'tag') return oid;
        oid = (object as { object: string }).object;
      }
      return oid;
    };
    const byName = async (name: string, shown: string): Promise<ResolvedRef> => {
      let oid: string;
      try {
        oid = await git.resolveRef({ fs, gitdir, ref: name });
      } catch {
        throw new GitSourceError('RefNotFound', where.display, `${what}: ${shown} not found`);
      }
      return { sha: await peel(oid), refName: name };
    };
    if (ref.branch !== undefined) {
      const name = ref.branch.startsWith('refs/') ? ref.branch : `refs/heads/${ref.branch}`;
      return byName(name, `branch ${ref.branch}`);
    }
    if (ref.tag !== undefined) {
      const name = ref.tag.startsWith('refs/') ? ref.tag : `refs/tags/${ref.tag}`;
      return byName(name, `tag ${ref.tag}`);
    }
    if (ref.semver !== undefined) {
      const choice = chooseRef(
        (await git.listTags({ fs, gitdir })).map((t) => ({ ref: `refs/tags/${t}`, oid: '' })),
        ref,
      );
      if (choice.kind !== 'found') {
        const message = choice.kind === 'missing' ? choice.message : 'no tag found';
        throw new GitSourceError('RefNotFound', where.display, `${what}: ${message}`);
      }
      return byName(choice.refName, `tag ${choice.refName}`);
    }
    if (ref.commit !== undefined) {
      const sha = await this.expandLocal(gitdir, ref.commit, where.display, what);
      return { sha, refName: sha };
    }
    throw new GitSourceError('RefNotFound', where.display, `${what}: no ref given`);
  }

  private async expandLocal(
    gitdir: string,
    sha: string,
    display: string,
    what: string,
  ): Promise<string> {
    try {
      const full = await git.expandOid({ fs, gitdir, oid: sha.toLowerCase() });
      await git.readCommit({ fs, gitdir, oid: full });
      return full;
    } catch {
      throw new GitSourceError('RefNotFound', display, `${what}: commit ${sha} not found`);
    }
  }

  // --- the cache ---------------------------------------------------------------------------------

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(key, settled);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private async initCache(gitdir: string, url: string): Promise<void> {
    if (await stat(join(gitdir, 'HEAD')).catch(() => undefined)) return;
    await mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true, defaultBranch: 'main' });
    await git.setConfig({ fs, gitdir, path: 'remote.origin.url', value: url });
    await git.setConfig({
      fs,
      gitdir,
      path: 'remote.origin.fetch',
      value: '+refs/heads/*:refs/remotes/origin/*',
    });
  }

  private async hasCommit(gitdir: string, sha: string): Promise<boolean> {
    try {
      const oid = shaPattern.test(sha) ? sha : await git.expandOid({ fs, gitdir, oid: sha });
      await git.readCommit({ fs, gitdir, oid });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Makes sure the commit is in a cache repository and returns that repository's git dir. A tip of
   * the remote is fetched alone at depth 1 (so also after a force-push to an older or unrelated
   * commit); any other commit is looked up in a whole-history copy.
   */
  private async ensureCommit(where: Remote, sha: string, signal: AbortSignal): Promise<string> {
    const started = Date.now();
    const bytesBefore = this.counters.bytesFetched;
    const done = (dir: string, kind: string): string => {
      this.log.info(
        {
          url: where.display,
          sha,
          kind,
          bytes: this.counters.bytesFetched - bytesBefore,
          ms: Date.now() - started,
        },
        'fetched commit',
      );
      return dir;
    };
    const key = cacheKey(where.url);
    const shallowDir = join(this.cacheDir, key);
    const fullDir = join(this.cacheDir, `${key}-full`);
    for (const dir of [shallowDir, fullDir]) {
      if (await this.hasCommit(dir, sha)) return dir;
    }
    const what = `fetching ${sha.slice(0, 12)} from ${where.display}`;
    const tips = this.tips.get(where.url);
    const atTip = shaPattern.test(sha) && (tips === undefined || tips.has(sha));
    if (atTip) {
      await this.initCache(shallowDir, where.url);
      try {
        // With our last commit as `have`, the pack holds only what changed.
        await this.fetchShallow(where, shallowDir, sha, haveRef, signal, what);
        if (!(await this.hasCommit(shallowDir, sha))) {
          // The server took the commit as already known (an ancestor of our shallow `have`): ask
          // again with no `have`.
          this.log.debug({ url: where.display, sha }, 'refetching without haves');
          await this.fetchShallow(where, shallowDir, sha, 'refs/packsync/none', signal, what);
        }
        if (await this.hasCommit(shallowDir, sha)) {
          await git.writeRef({ fs, gitdir: shallowDir, ref: haveRef, value: sha, force: true });
          return done(shallowDir, 'shallow');
        }
      } catch (err) {
        // A server that refuses a want that is not (any longer) a tip: fall back to history.
        if (!(err instanceof GitSourceError) || err.reason !== 'FetchFailed' || tips?.has(sha)) {
          throw err;
        }
        this.log.debug(
          { url: where.display, sha, err: errorMessage(err) },
          'shallow fetch refused',
        );
      }
    }
    await this.initCache(fullDir, where.url);
    await this.retrying(where, what, signal, (http) =>
      git.fetch({ fs, http, gitdir: fullDir, url: where.url, remote: 'origin', tags: true }),
    );
    if (await this.hasCommit(fullDir, sha)) return done(fullDir, 'history');
    throw new GitSourceError(
      'RefNotFound',
      where.display,
      `${what}: commit ${sha} not found on any branch or tag`,
    );
  }

  private async fetchShallow(
    where: Remote,
    gitdir: string,
    sha: string,
    have: string,
    signal: AbortSignal,
    what: string,
  ): Promise<void> {
    // isomorphic-git records the new shallow boundary before the pack arrives; a fetch that fails
    // after that would leave a boundary naming a commit we do not have. Put the old one back.
    const shallowFile = join(gitdir, 'shallow');
    const before = await readFile(shallowFile).catch(() => undefined);
    await this.retrying(where, what, signal, async (http) => {
      try {
        return await git.fetch({
          fs,
          http,
          gitdir,
          url: where.url,
          remote: 'origin',
          ref: have,
          remoteRef: sha,
          singleBranch: true,
          depth: 1,
          tags: false,
        });
      } catch (err) {
        if (before) await writeFile(shallowFile, before);
        else await unlink(shallowFile).catch(() => undefined);
        throw err;
      }
    });
  }

  private async readCheckout(
    gitdir: string,
    sha: string,
    path: string,
    display: string,
    what: string,
  ): Promise<CheckoutResult> {
    const cache = {};
    let commit: CommitInfo;
    try {
      const c = await git.readCommit({ fs, gitdir, oid: sha, cache });
      commit = {
        sha,
        message: c.commit.message,
        author: {
          name: c.commit.author.name,
          email: c.commit.author.email,
          timestamp: c.commit.author.timestamp,
        },
      };
    } catch (err) {
      throw new GitSourceError('RefNotFound', display, `${what}: commit ${sha} not found`, {
        cause: err,
      });
    }
    const memoKey = `${gitdir}\0${path}`;
    const memo: TreeMemo = {
      prev: this.memos.get(memoKey) ?? new Map<string, never>(),
      next: new Map(),
    };
    const tree = await readTreeFiles({
      gitdir,
      commit: sha,
      path,
      maxBytes: this.maxBytes,
      cache,
      memo,
    });
    this.memos.delete(memoKey);
    if (tree.ok) {
      this.memos.set(memoKey, memo.next);
      for (const key of this.memos.keys()) {
        if (this.memos.size <= maxMemos) break;
        this.memos.delete(key);
      }
    }
    if (!tree.ok) {
      const reason: GitSourceErrorReason =
        tree.problem === 'TooLarge' ? 'TooLarge' : 'PathNotFound';
      throw new GitSourceError(reason, display, `${what}: ${tree.message}`);
    }
    return { commit, files: tree.files };
  }

  // --- network: deadlines, retries, error mapping -------------------------------------------------

  /** Runs `fn` under the call's deadline and the caller's signal, mapping every failure. */
  private async guard<T>(
    display: string,
    what: string,
    callerSignal: AbortSignal | undefined,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    try {
      return await fn(signal);
    } catch (err) {
      if (err instanceof GitSourceError) throw err;
      if (deadline.aborted) {
        throw new GitSourceError(
          'Timeout',
          display,
          `${what}: timed out after ${this.timeoutMs} ms`,
          {
            cause: err,
          },
        );
      }
      throw new GitSourceError(
        'FetchFailed',
        display,
        `${what}: ${redactText(errorMessage(err))}`,
        {
          cause: err,
        },
      );
    }
  }

  /** One network operation with retries on network errors and HTTP 5xx/429, with backoff. */
  private async retrying<T>(
    where: Remote,
    what: string,
    signal: AbortSignal,
    op: (http: GitHttp) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const http = new GitHttp({
        authHeaders: where.authHeaders,
        origin: where.origin,
        caPem: where.caPem,
        signal,
        maxPackBytes: this.maxBytes,
        idleTimeoutMs: this.timeoutMs,
      });
      try {
        const result = await op(http);
        this.account(http);
        return result;
      } catch (err) {
        this.account(http);
        const mapped = this.mapError(err, http, where, what, signal);
        const retry = mapped.retryable && !signal.aborted && attempt < this.retries;
        this.log.debug(
          { url: where.display, attempt, reason: mapped.reason, retry },
          `${what} failed: ${mapped.message}`,
        );
        if (!retry) throw mapped;
        const delay = this.retryBaseMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) throw mapped;
      }
    }
  }

  private account(http: GitHttp): void {
    this.counters.bytesFetched += http.trace.bytes;
    if (http.trace.packBytes > 0) this.counters.fetches++;
  }

  private mapError(
    err: unknown,
    http: GitHttp,
    where: Remote,
    what: string,
    signal: AbortSignal,
  ): GitSourceError {
    const display = where.display;
    if (http.trace.tooLarge) {
      return new GitSourceError(
        'TooLarge',
        display,
        `${what}: the pack exceeds the limit of ${this.maxBytes} bytes`,
        { cause: err },
      );
    }
    if (signal.aborted) {
      const reason = signal.reason as { name?: string } | undefined;
      if (reason?.name === 'TimeoutError') {
        const text = `${what}: timed out after ${this.timeoutMs} ms`;
        return new GitSourceError('Timeout', display, text, { cause: err });
      }
      return new GitSourceError('FetchFailed', display, `${what}: cancelled`, { cause: err });
    }
    const status = httpStatus(err);
    if (status === 401 || status === 403) {
      const given = Object.keys(where.authHeaders).length > 0;
      return new GitSourceError(
        'AuthFailed',
        display,
        `${what}: authentication failed (HTTP ${status}${given ? '' : ', no credentials given'})`,
        { cause: err },
      );
    }
    const message = redactText(errorMessage(err));
    const failed = (text: string, retryable: boolean): GitSourceError =>
      new GitSourceError('FetchFailed', display, `${what}: ${text}`, { cause: err, retryable });
    if (status !== undefined) {
      if (status === 404) return failed('repository not found (HTTP 404)', false);
      return failed(message, status === 429 || status >= 500);
    }
    const code = errCode(err);
    if (code === 'NotFoundError') {
      return new GitSourceError('RefNotFound', display, `${what}: ${message}`, { cause: err });
    }
    if (/no data from the server/.test(message)) {
      return new GitSourceError('Timeout', display, `${what}: ${message}`, { cause: err });
    }
    if (code && /^ERR_TLS|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
      return failed(`TLS: ${message}`, false);
    }
    // Network trouble is worth a retry; a protocol or client error is not.
    return failed(message, code !== undefined && networkCodes.has(code));
  }
}

/** Re-exported for callers that pick versions the same way (e.g. listing candidate tags). */
export { highestSemverTag };
