/**
 * GitSource against a real `git http-backend` (test/helpers/git-server.ts): refs, caching and the
 * request log, force-pushes, auth, TLS with a custom CA, limits, timeouts and retries, and local
 * repositories read in place.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GitSource, GitSourceError, type GitRepository } from '../../src/git/index.js';
import { gitHttpBackend, startGitServer, type GitServer } from '../helpers/git-server.js';

const available = existsSync(gitHttpBackend);
if (!available) {
  process.stderr.write(
    `\n*** SKIPPING test/git: ${gitHttpBackend} is missing (Debian package git, see .ci/run) ***\n\n`,
  );
}

const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('utf8');

async function expectGitError(
  p: Promise<unknown>,
  reason: GitSourceError['reason'],
): Promise<GitSourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitSourceError);
  const g = err as GitSourceError;
  expect({ reason: g.reason, message: g.message }).toMatchObject({ reason });
  return g;
}

let scratch: string;

async function unusedPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}
async function newSource(opts: Partial<ConstructorParameters<typeof GitSource>[0]> = {}) {
  const cacheDir = await mkdtemp(join(scratch, 'cache-'));
  return new GitSource({ cacheDir, retryBaseMs: 20, ...opts });
}

describe.skipIf(!available)('GitSource over smart HTTP', () => {
  let srv: GitServer;
  let repoSeq = 0;
  const newRepo = async (): Promise<string> => {
    const name = `repo${++repoSeq}`;
    await srv.createRepo(name);
    return name;
  };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'packsync-git-test-'));
    srv = await startGitServer();
  });
  afterAll(async () => {
    await srv?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('resolves a branch with one refs request and checks out the folder at a path', async () => {
    const name = await newRepo();
    await srv.commit(name, { 'README.md': '# app\n', 'deploy/a.yaml': 'a: 1\n' }, 'first');
    const c2 = await srv.commit(
      name,
      { 'deploy/a.yaml': 'a: 2\n', 'deploy/sub/b.yaml': 'b: 1\n' },
      'second\n\nbody',
    );
    const src = await newSource();
    const repo: GitRepository = { url: srv.repoUrl(name), ref: { branch: 'main' } };

    srv.clearRequests();
    const resolved = await src.resolve(repo);
    expect(resolved).toEqual({ sha: c2, refName: 'refs/heads/main' });
    expect(srv.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /${name}.git/info/refs`,
    ]);

    const out = await src.checkout(repo, resolved.sha, 'deploy');
    expect([...out.files.keys()].sort()).toEqual(['a.yaml', 'sub/b.yaml']);
    expect(text(out.files.get('a.yaml'))).toBe('a: 2\n');
    expect(out.commit).toMatchObject({
      sha: c2,
      message: 'second\n\nbody\n',
      author: { name: 'Test Author', email: 'author@example.com' },
    });
    expect(out.commit.author.timestamp).toBe(
      Number(await srv.git(name, 'log', '-1', '--format=%at', c2)),
    );
    // The root is '.', '' or './'.
    for (const root of ['.', '', './']) {
      const all = await src.checkout(repo, c2, root);
      expect([...all.files.keys()].sort()).toEqual([
        'README.md',
        'deploy/a.yaml',
        'deploy/sub/b.yaml',
      ]);
    }
  });

  it('resolves tags (annotated, peeled to the commit), semver ranges and commits', async () => {
    const name = await newRepo();
    const c1 = await srv.commit(name, { 'f.yaml': 'v: 1.0.0\n' }, 'c1', { tag: 'v1.0.0' });
    const c2 = await srv.commit(name, { 'f.yaml': 'v: 1.2.0\n' }, 'c2', { tag: '1.2.0' });
    const c3 = await srv.commit(name, { 'f.yaml': 'v: 2.0.0-rc.1\n' }, 'c3', {
      tag: 'v2.0.0-rc.1',
    });
    const c4 = await srv.commit(name, { 'f.yaml': 'v: 1.10.0\n' }, 'c4', { tag: 'v1.10.0' });
    await srv.commit(name, { 'f.yaml': 'untagged\n' }, 'c5');
    const src = await newSource();
    const url = srv.repoUrl(name);

    expect(await src.resolve({ url, ref: { tag: 'v1.0.0' } })).toEqual({
      sha: c1,
      refName: 'refs/tags/v1.0.0',
    });
    // Numeric order (1.10 > 1.2), with or without `v`, pre-releases only when asked for.
    expect(await src.resolve({ url, ref: { semver: '^1.0.0' } })).toEqual({
      sha: c4,
      refName: 'refs/tags/v1.10.0',
    });
    expect((await src.resolve({ url, ref: { semver: '~1.2' } })).sha).toBe(c2);
    expect((await src.resolve({ url, ref: { semver: '>=2.0.0-rc.0' } })).sha).toBe(c3);
    const semverMiss = await expectGitError(
      src.resolve({ url, ref: { semver: '>=3' } }),
      'RefNotFound',
    );
    expect(semverMiss.message).toContain('no tag matches semver >=3');
    expect(semverMiss.message).toContain(url);

    const tagged = await src.checkout({ url, ref: { tag: 'v1.0.0' } }, c1, '.');
    expect(text(tagged.files.get('f.yaml'))).toBe('v: 1.0.0\n');

    // A commit that is no tip: full and short forms; history is fetched for it.
    expect(await src.resolve({ url, ref: { commit: c2 } })).toEqual({ sha: c2, refName: c2 });
    const short = await src.resolve({ url, ref: { commit: c2.slice(0, 9) } });
    expect(short).toEqual({ sha: c2, refName: c2 });
    const pinned = await src.checkout({ url, ref: { commit: c2 } }, c2, '.');
    expect(text(pinned.files.get('f.yaml'))).toBe('v: 1.2.0\n');

    await expectGitError(src.resolve({ url, ref: { branch: 'nope' } }), 'RefNotFound');
    await expectGitError(src.resolve({ url, ref: { tag: 'v9' } }), 'RefNotFound');
    const missing = await expectGitError(
      src.checkout({ url, ref: { commit: 'ab'.repeat(20) } }, 'ab'.repeat(20), '.'),
      'RefNotFound',
    );
    expect(missing.message).toContain('abababababab');
  });

  it('does not fetch when the remote commit is unchanged, and fetches one new commit incrementally', async () => {
    const name = await newRepo();
    // Enough incompressible content that a full pack and an incremental one differ clearly.
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++)
      files[`deploy/f${i}.yaml`] = `data: ${randomBytes(1500).toString('hex')}\n`;
    await srv.commit(name, files, 'many files');
    const src = await newSource();
    const repo: GitRepository = { url: srv.repoUrl(name), ref: { branch: 'main' } };

    const first = await src.checkout(repo, (await src.resolve(repo)).sha, 'deploy');
    expect(first.files.size).toBe(40);
    const afterFirst = src.stats();
    expect(afterFirst.fetches).toBe(1);

    // Unchanged: only the refs advertisement, no upload-pack request.
    srv.clearRequests();
    const again = await src.resolve(repo);
    const same = await src.checkout(repo, again.sha, 'deploy');
    expect(same.files.size).toBe(40);
    expect(srv.requests()).toEqual([
      { method: 'GET', path: `/${name}.git/info/refs`, service: 'git-upload-pack', status: 200 },
    ]);
    expect(src.stats().fetches).toBe(afterFirst.fetches);

    // One new commit: one pack request, much smaller than the first.
    const c2 = await srv.commit(name, { 'deploy/f1.yaml': 'data: changed\n' }, 'one change');
    srv.clearRequests();
    const next = await src.resolve(repo);
    expect(next.sha).toBe(c2);
    const out = await src.checkout(repo, next.sha, 'deploy');
    expect(text(out.files.get('f1.yaml'))).toBe('data: changed\n');
    expect(srv.requests().filter((r) => r.method === 'POST')).toHaveLength(1);
    const stats = src.stats();
    expect(stats.fetches).toBe(2);
    const incremental = stats.bytesFetched - afterFirst.bytesFetched;
    expect(incremental).toBeLessThan(afterFirst.bytesFetched / 5);
  });

  it('gives each commit its own tree when reads reuse unchanged subtrees', async () => {
    const name = await newRepo();
    const a = await srv.commit(
      name,
      { 'x/1.yaml': 'x1\n', 'x/2.yaml': 'x2\n', 'y/1.yaml': 'y1\n', 'y/z/1.yaml': 'z1\n' },
      'a',
    );
    const b = await srv.commit(
      name,
      { 'x/1.yaml': null, 'y/z/1.yaml': 'z1 changed\n', 'y/z/2.yaml': 'z2\n' },
      'b',
    );
    const src = await newSource();
    const repo: GitRepository = { url: srv.repoUrl(name), ref: { branch: 'main' } };
    const snapshot = (files: Map<string, Uint8Array>): Record<string, string> =>
      Object.fromEntries([...files].map(([k, v]): [string, string] => [k, text(v)]));
    const atB = await src.checkout(repo, b, '.');
    const atA = await src.checkout(repo, a, '.');
    const atBAgain = await src.checkout(repo, b, '.');
    expect(snapshot(atA.files)).toEqual({
      'x/1.yaml': 'x1\n',
      'x/2.yaml': 'x2\n',
      'y/1.yaml': 'y1\n',
      'y/z/1.yaml': 'z1\n',
    });
    const wantB = {
      'x/2.yaml': 'x2\n',
      'y/1.yaml': 'y1\n',
      'y/z/1.yaml': 'z1 changed\n',
      'y/z/2.yaml': 'z2\n',
    };
    expect(snapshot(atB.files)).toEqual(wantB);
    expect(snapshot(atBAgain.files)).toEqual(wantB);
    expect(snapshot((await src.checkout(repo, b, 'y')).files)).toEqual({
      '1.yaml': 'y1\n',
      'z/1.yaml': 'z1 changed\n',
      'z/2.yaml': 'z2\n',
    });
  });

  it('serialises concurrent checkouts of one repository: one fetch, same files', async () => {
    const name = await newRepo();
    const sha = await srv.commit(name, { 'a/x.yaml': 'x\n', 'b/y.yaml': 'y\n' }, 'c1');
    const src = await newSource();
    const repo: GitRepository = { url: srv.repoUrl(name), ref: { branch: 'main' } };
    srv.clearRequests();
    const results = await Promise.all([
      src.checkout(repo, sha, 'a'),
      src.checkout(repo, sha, 'b'),
      src.checkout(repo, sha, '.'),
    ]);
    expect(results.map((r) => [...r.files.keys()].sort())).toEqual([
      ['x.yaml'],
      ['y.yaml'],
      ['a/x.yaml', 'b/y.yaml'],
    ]);
    expect(srv.requests().filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(src.stats().fetches).toBe(1);
  });

  it('follows a force-push to an older commit and to an unrelated one', async () => {
    const name = await newRepo();
    const c1 = await srv.commit(name, { 'app.yaml': 'v: 1\n' }, 'c1');
    await srv.commit(name, { 'app.yaml': 'v: 2\n' }, 'c2');
    const c3 = await srv.commit(name, { 'app.yaml': 'v: 3\n' }, 'c3');
    const src = await newSource();
    const repo: GitRepository = { url: srv.repoUrl(name), ref: { branch: 'main' } };
    expect(
      text((await src.checkout(repo, (await src.resolve(repo)).sha, '.')).files.get('app.yaml')),
    ).toBe('v: 3\n');

    // Back to c1, an ancestor the shallow cache has never seen.
    await srv.git(name, 'push', '-q', '--force', 'origin', `${c1}:refs/heads/main`);
    const back = await src.resolve(repo);
    expect(back.sha).toBe(c1);
    expect(text((await src.checkout(repo, back.sha, '.')).files.get('app.yaml'))).toBe('v: 1\n');

    // An orphan history.
    await srv.git(name, 'checkout', '-q', '--orphan', 'other');
    const orphan = await srv.commit(name, { 'app.yaml': 'v: orphan\n' }, 'orphan', {
      branch: 'other',
    });
    await srv.git(name, 'push', '-q', '--force', 'origin', `${orphan}:refs/heads/main`);
    const o = await src.resolve(repo);
    expect(o.sha).toBe(orphan);
    expect(text((await src.checkout(repo, o.sha, '.')).files.get('app.yaml'))).toBe('v: orphan\n');

    // And forward again to c3, which the cache still has: no pack request.
    await srv.git(name, 'push', '-q', '--force', 'origin', `${c3}:refs/heads/main`);
    srv.clearRequests();
    const fwd = await src.resolve(repo);
    expect(text((await src.checkout(repo, fwd.sha, '.')).files.get('app.yaml'))).toBe('v: 3\n');
    expect(srv.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('refuses a missing path, a file as path, links and submodules, naming the path', async () => {
    const name = await newRepo();
    const wt = join(srv.dir, 'work', name);
    await srv.commit(name, { 'deploy/a.yaml': 'a: 1\n', 'other/x.yaml': 'x\n' }, 'c1');
    await symlink('../deploy/a.yaml', join(wt, 'other', 'link.yaml'));
    const c2 = await srv.commit(name, {}, 'add a link');
    const src = await newSource();
    const repo: GitRepository = { url: srv.repoUrl(name), ref: { branch: 'main' } };

    const missing = await expectGitError(src.checkout(repo, c2, 'clusters/prod'), 'PathNotFound');
    expect(missing.message).toContain('path clusters/prod not found');
    expect(missing.message).toContain(srv.repoUrl(name));
    const file = await expectGitError(src.checkout(repo, c2, 'deploy/a.yaml'), 'PathNotFound');
    expect(file.message).toContain('path deploy/a.yaml is not a directory');
    await expectGitError(src.checkout(repo, c2, '../etc'), 'PathNotFound');
    const link = await expectGitError(src.checkout(repo, c2, 'other'), 'PathNotFound');
    expect(link.message).toContain('other/link.yaml is a symbolic link');
    // The folder without the link is fine.
    expect((await src.checkout(repo, c2, 'deploy')).files.size).toBe(1);

    const sub = await newRepo();
    await srv.commit(sub, { 'x.yaml': 'x\n' }, 'sub');
    await srv.git(name, 'update-index', '--add', '--cacheinfo', `160000,${c2},deploy/vendored`);
    await srv.git(name, 'commit', '-q', '-m', 'submodule');
    await srv.git(name, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    const c3 = await srv.git(name, 'rev-parse', 'HEAD');
    const submodule = await expectGitError(src.checkout(repo, c3, 'deploy'), 'PathNotFound');
    expect(submodule.message).toContain('deploy/vendored is a submodule');
  });

  it('stops a fetch whose pack passes maxBytes, leaving the cache usable', async () => {
    const name = await newRepo();
    const repo: GitRepository = { url: srv.repoUrl(name), ref: { branch: 'main' } };
    await srv.commit(name, { 'small.yaml': 'a: 1\n' }, 'small');
    const cacheDir = await mkdtemp(join(scratch, 'cache-'));
    const roomy = new GitSource({ cacheDir });
    await roomy.checkout(repo, (await roomy.resolve(repo)).sha, '.');

    const big = await srv.commit(name, { 'big.bin': randomBytes(300_000) }, 'big');
    const tight = new GitSource({ cacheDir, maxBytes: 100_000, retryBaseMs: 20 });
    srv.clearRequests();
    const err = await expectGitError(tight.checkout(repo, big, '.'), 'TooLarge');
    expect(err.message).toContain('exceeds the limit of 100000 bytes');
    expect(err.message).toContain(big.slice(0, 12));
    // Not retried: one pack request.
    expect(srv.requests().filter((r) => r.method === 'POST')).toHaveLength(1);

    // The interrupted fetch left nothing behind that breaks the next ones.
    expect((await roomy.checkout(repo, big, '.')).files.get('big.bin')?.byteLength).toBe(300_000);
    const next = await srv.commit(name, { 'small.yaml': 'a: 2\n' }, 'after');
    const out = await roomy.checkout(repo, (await roomy.resolve(repo)).sha, '.');
    expect(out.commit.sha).toBe(next);
    expect(text(out.files.get('small.yaml'))).toBe('a: 2\n');
  });

  it('reads a local work tree, a bare repository and a file:// URL in place, without the network', async () => {
    const name = await newRepo();
    const c1 = await srv.commit(name, { 'deploy/a.yaml': 'a: 1\n' }, 'c1', { tag: 'v0.1.0' });
    const c2 = await srv.commit(name, { 'deploy/a.yaml': 'a: 2\n' }, 'c2');
    const src = await newSource();
    srv.clearRequests();
    const work = join(srv.dir, 'work', name);
    for (const url of [work, srv.barePath(name), pathToFileURL(srv.barePath(name)).toString()]) {
      expect(await src.resolve({ url, ref: { branch: 'main' } })).toEqual({
        sha: c2,
        refName: 'refs/heads/main',
      });
      expect((await src.resolve({ url, ref: { tag: 'v0.1.0' } })).sha).toBe(c1);
      expect((await src.resolve({ url, ref: { semver: '<1' } })).sha).toBe(c1);
      expect((await src.resolve({ url, ref: { commit: c1.slice(0, 8) } })).sha).toBe(c1);
      const out = await src.checkout({ url, ref: { branch: 'main' } }, c2, 'deploy');
      expect(text(out.files.get('a.yaml'))).toBe('a: 2\n');
    }
    // Packed objects and refs are read too.
    await srv.git(name, 'gc', '-q');
    const packed = await src.checkout({ url: work, ref: { branch: 'main' } }, c1, 'deploy');
    expect(text(packed.files.get('a.yaml'))).toBe('a: 1\n');
    expect(srv.requests()).toEqual([]);
    expect(src.stats().fetches).toBe(0);
    await expectGitError(src.resolve({ url: scratch, ref: { branch: 'main' } }), 'FetchFailed');
  });
});

describe.skipIf(!available)('GitSource: auth, TLS, timeouts and retries', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'packsync-git-test-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('maps 401 to AuthFailed and works with username/password, URL or token credentials', async () => {
    const srv = await startGitServer({ auth: { username: 'alice', password: 's3cret' } });
    try {
      await srv.createRepo('private');
      const sha = await srv.commit('private', { 'a.yaml': 'a\n' }, 'c1');
      const src = await newSource();
      const url = srv.repoUrl('private');
      const none = await expectGitError(
        src.resolve({ url, ref: { branch: 'main' } }),
        'AuthFailed',
      );
      expect(none.message).toContain('no credentials given');
      expect(none.message).toContain(url);
      // Not retried.
      expect(srv.requests()).toHaveLength(1);
      const wrong = await expectGitError(
        src.resolve({
          url,
          ref: { branch: 'main' },
          credentials: { username: 'alice', password: 'nope' },
        }),
        'AuthFailed',
      );
      expect(wrong.message).not.toContain('nope');

      const repo: GitRepository = {
        url,
        ref: { branch: 'main' },
        credentials: { username: 'alice', password: 's3cret' },
      };
      expect((await src.resolve(repo)).sha).toBe(sha);
      expect((await src.checkout(repo, sha, '.')).files.size).toBe(1);

      const inUrl = url.replace('http://', 'http://alice:s3cret@');
      expect((await src.resolve({ url: inUrl, ref: { branch: 'main' } })).sha).toBe(sha);
      const badInUrl = url.replace('http://', 'http://alice:leaked@');
      const e = await expectGitError(
        src.resolve({ url: badInUrl, ref: { branch: 'nope' } }),
        'AuthFailed',
      );
      expect(e.message).not.toContain('leaked');
      expect(e.url).not.toContain('leaked');
    } finally {
      await srv.stop();
    }

    const tokenSrv = await startGitServer({ auth: { token: 'tok-123' } });
    try {
      await tokenSrv.createRepo('t');
      const sha = await tokenSrv.commit('t', { 'a.yaml': 'a\n' }, 'c1');
      const src = await newSource();
      const repo: GitRepository = {
        url: tokenSrv.repoUrl('t'),
        ref: { branch: 'main' },
        credentials: { token: 'tok-123' },
      };
      expect((await src.resolve(repo)).sha).toBe(sha);
      expect((await src.checkout(repo, sha, '.')).files.size).toBe(1);
      await expectGitError(src.resolve({ ...repo, credentials: { token: 'wrong' } }), 'AuthFailed');
    } finally {
      await tokenSrv.stop();
    }
  });

  it('verifies TLS, trusting a custom CA only when given', async () => {
    const srv = await startGitServer({ tls: true });
    try {
      await srv.createRepo('tls');
      const sha = await srv.commit('tls', { 'a.yaml': 'a\n' }, 'c1');
      const src = await newSource();
      const url = srv.repoUrl('tls');
      const err = await expectGitError(
        src.resolve({ url, ref: { branch: 'main' } }),
        'FetchFailed',
      );
      expect(err.message).toMatch(/certificate/i);
      const repo: GitRepository = {
        url,
        ref: { branch: 'main' },
        credentials: { caPem: srv.certificate },
      };
      expect((await src.resolve(repo)).sha).toBe(sha);
      expect((await src.checkout(repo, sha, '.')).files.size).toBe(1);
    } finally {
      await srv.stop();
    }
  });

  it('times out against a server that never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: NetServer = createNetServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const src = await newSource({ timeoutMs: 400 });
      const url = `http://127.0.0.1:${port}/repo.git`;
      const started = Date.now();
      const err = await expectGitError(src.resolve({ url, ref: { branch: 'main' } }), 'Timeout');
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(err.message).toContain(url);
      expect(err.message).toContain('timed out after 400 ms');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('retries network errors and 5xx with backoff, and gives up after the retries', async () => {
    const srv = await startGitServer();
    let failuresLeft = 2;
    let seen = 0;
    // A proxy that answers 503 to the first requests, then forwards to the git server.
    const proxy: Server = createServer((req, res) => {
      seen++;
      if (failuresLeft > 0) {
        failuresLeft--;
        req.resume();
        res.writeHead(503).end('busy');
        return;
      }
      const target = new URL(req.url ?? '/', srv.baseUrl);
      const up = httpRequest(target, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      await srv.createRepo('flaky');
      const sha = await srv.commit('flaky', { 'a.yaml': 'a\n' }, 'c1');
      const port = (proxy.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}/flaky.git`;
      const src = await newSource({ retries: 2 });
      expect((await src.resolve({ url, ref: { branch: 'main' } })).sha).toBe(sha);
      expect(seen).toBe(3);

      failuresLeft = 10;
      seen = 0;
      const err = await expectGitError(
        src.resolve({ url, ref: { branch: 'main' } }),
        'FetchFailed',
      );
      expect(err.message).toContain('503');
      expect(seen).toBe(3);

      // Connection refused: retried, then FetchFailed naming the URL.
      const closed = `http://127.0.0.1:${await unusedPort()}/none.git`;
      const refused = await expectGitError(
        (await newSource({ retries: 1 })).resolve({ url: closed, ref: { branch: 'main' } }),
        'FetchFailed',
      );
      expect(refused.message).toContain(closed);
    } finally {
      await new Promise((r) => proxy.close(r));
      await srv.stop();
    }
  });
});
