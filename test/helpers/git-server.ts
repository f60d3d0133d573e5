/**
 * A real Git server for tests: Debian's `git http-backend` (/usr/lib/git-core/git-http-backend) run
 * as CGI behind a small node HTTP(S) server on 127.0.0.1.
 *
 *   const srv = await startGitServer();                 // or { auth: { username, password } } / { auth: { token } } / { tls: true }
 *   await srv.createRepo('app');                        // bare repo served at srv.repoUrl('app')
 *   const sha = await srv.commit('app', { 'a.yaml': 'x: 1\n' }, 'first');          // commit + push to main
 *   await srv.commit('app', { 'a.yaml': null }, 'delete a', { tag: 'v1.0.0' });   // null deletes; annotated tag
 *   await srv.git('app', 'push', '--force', 'origin', `${sha}:refs/heads/main`);  // any git command in the work tree
 *   srv.requests();                                     // [{ method: 'GET', path: '/app.git/info/refs', service: 'git-upload-pack' }, ...]
 *   await srv.stop();
 *
 * Commits and pushes use the git CLI in a private HOME with GIT_CONFIG_NOSYSTEM and fixed author,
 * committer and dates (each commit one minute after the previous one), so the same sequence of calls
 * gives the same shas. `commit` pushes with --force (the work tree is the truth). Pushes go to the
 * bare repository through the filesystem, so `requests()` only shows the traffic of the client under
 * test. A repository can also be read in place: `barePath(name)`, or the work tree `createRepo`
 * returned.
 *
 * Auth: `{ username, password }` requires HTTP Basic with exactly those; `{ token }` requires Basic
 * with any username and the token as password (as GitHub and GitLab accept tokens), or
 * `Authorization: Bearer <token>`. Unauthenticated requests get 401 with a Basic challenge.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createPrivateKey, createPublicKey, timingSafeEqual } from 'node:crypto';
import { generateCa, generateServerCert } from '../../src/server/tls.js';

export const gitHttpBackend = '/usr/lib/git-core/git-http-backend';

export type GitServerAuth = { username: string; password: string } | { token: string };

export interface GitServerOptions {
  auth?: GitServerAuth;
  /** Serve HTTPS with a certificate for 127.0.0.1 from a fresh CA. */
  tls?: boolean;
}

export interface GitServerRequest {
  method: string;
  /** URL path without the query, e.g. `/app.git/info/refs` or `/app.git/git-upload-pack`. */
  path: string;
  /** `git-upload-pack` or `git-receive-pack` for smart-HTTP requests. */
  service?: string;
  /** HTTP status the server answered with. */
  status: number;
}

export interface CommitOptions {
  /** Branch to commit on (created from the current HEAD when new); default `main`. */
  branch?: string;
  /** Also create and push this annotated tag on the new commit. */
  tag?: string;
}

export interface GitServer {
  /** `http(s)://127.0.0.1:<port>` */
  baseUrl: string;
  /** Root of the server's temp dir (bare repos under `repos/`, work trees under `work/`). */
  dir: string;
  /** PEM of the CA to trust when started with `tls`. */
  certificate?: string;
  /** URL of a repository: `<baseUrl>/<name>.git`. */
  repoUrl(name: string): string;
  /** Path of the bare repository on disk (for reading in place). */
  barePath(name: string): string;
  /** Creates the bare repository and a work tree to commit in; returns the work tree's path. */
  createRepo(name: string): Promise<string>;
  /** Writes `files` (null deletes), commits everything and pushes; returns the new commit's sha. */
  commit(
    name: string,
    files: Record<string, string | Uint8Array | null>,
    message: string,
    opts?: CommitOptions,
  ): Promise<string>;
  /** Runs `git <args>` in the work tree of `name`; returns trimmed stdout. */
  git(name: string, ...args: string[]): Promise<string>;
  /** Requests served since start or the last `clearRequests()`, in order. */
  requests(): GitServerRequest[];
  clearRequests(): void;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

function checkAuth(req: IncomingMessage, auth: GitServerAuth): boolean {
  const header = req.headers.authorization ?? '';
  const same = (a: string, b: string): boolean => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };
  if ('token' in auth && header.startsWith('Bearer ')) return same(header.slice(7), auth.token);
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  if ('token' in auth) return user.length > 0 && same(pass, auth.token);
  return same(user, auth.username) && same(pass, auth.password);
}

/** Starts the server; call `stop()` when done (it removes the temp dir). */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const dir = await mkdtemp(join(tmpdir(), 'packsync-git-server-'));
  const reposDir = join(dir, 'repos');
  const workDir = join(dir, 'work');
  const home = join(dir, 'home');
  await Promise.all([mkdir(reposDir), mkdir(workDir), mkdir(home)]);
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    LANG: 'C',
  };
  let clock = 1_700_000_000;
  const gitEnv = (): NodeJS.ProcessEnv => {
    clock += 60;
    const date = `${clock} +0000`;
    return { ...baseEnv, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  };
  let log: GitServerRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const service =
      url.searchParams.get('service') ??
      (url.pathname.endsWith('/git-upload-pack')
        ? 'git-upload-pack'
        : url.pathname.endsWith('/git-receive-pack')
          ? 'git-receive-pack'
          : undefined);
    const entry: GitServerRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      ...(service ? { service } : {}),
      status: 0,
    };
    log.push(entry);
    const reply = (status: number, body: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(body);
    };
    if (options.auth && !checkAuth(req, options.auth)) {
      reply(401, 'authentication required\n', { 'www-authenticate': 'Basic realm="git"' });
      return;
    }
    const cgi = spawn(gitHttpBackend, [], {
      env: {
        ...baseEnv,
        GIT_PROJECT_ROOT: reposDir,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding']
          ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }
          : {}),
        ...(req.headers['git-protocol']
          ? { GIT_PROTOCOL: String(req.headers['git-protocol']) }
          : {}),
        REMOTE_USER: options.auth ? 'user' : '',
        REMOTE_ADDR: '127.0.0.1',
        SERVER_PROTOCOL: 'HTTP/1.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let headersDone = false;
    let stderr = '';
    cgi.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      let sep = head.indexOf('\r\n\r\n');
      let sepLen = 4;
      if (sep < 0) {
        sep = head.indexOf('\n\n');
        sepLen = 2;
      }
      if (sep < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number.parseInt(v, 10);
        else headers[k] = v;
      }
      entry.status = status;
      res.writeHead(status, headers);
      res.write(head.subarray(sep + sepLen));
    });
    cgi.on('close', (code) => {
      if (!headersDone) {
        reply(500, `git http-backend exited ${code}: ${stderr}\n`);
        return;
      }
      res.end();
    });
    res.on('close', () => {
      if (cgi.exitCode === null) cgi.kill('SIGKILL');
    });
  };

  let server: Server;
  let certificate: string | undefined;
  if (options.tls) {
    // The embedded API server's certificate code: a fresh CA and a server certificate for
    // localhost and 127.0.0.1 issued by it.
    const ca = generateCa();
    const caKey = createPrivateKey(ca.caKey);
    const tls = generateServerCert(ca, createPublicKey(caKey), caKey);
    certificate = tls.caCert;
    server = createHttpsServer({ key: tls.key, cert: tls.cert }, handle);
  } else {
    server = createHttpServer(handle);
  }
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const barePath = (name: string): string => join(reposDir, `${name}.git`);
  const worktree = (name: string): string => join(workDir, name);
  const git = (name: string, ...args: string[]): Promise<string> =>
    run('git', args, worktree(name), gitEnv());

  return {
    baseUrl,
    dir,
    ...(certificate ? { certificate } : {}),
    repoUrl: (name) => `${baseUrl}/${name}.git`,
    barePath,
    async createRepo(name) {
      await run('git', ['init', '-q', '--bare', '-b', 'main', barePath(name)], dir, baseEnv);
      await run('git', ['init', '-q', '-b', 'main', worktree(name)], dir, baseEnv);
      await git(name, 'remote', 'add', 'origin', barePath(name));
      return worktree(name);
    },
    async commit(name, files, message, opts = {}) {
      const wt = worktree(name);
      const branch = opts.branch ?? 'main';
      const current = await git(name, 'symbolic-ref', '--short', 'HEAD');
      if (current !== branch) {
        const exists = await git(name, 'branch', '--list', branch);
        if (exists) await git(name, 'checkout', '-q', branch);
        else await git(name, 'checkout', '-q', '-b', branch);
      }
      for (const [path, content] of Object.entries(files)) {
        const full = join(wt, path);
        if (content === null) {
          await unlink(full);
        } else {
          await mkdir(dirname(full), { recursive: true });
          await writeFile(full, content);
        }
      }
      await git(name, 'add', '-A');
      await git(name, 'commit', '-q', '--allow-empty', '-m', message);
      const sha = await git(name, 'rev-parse', 'HEAD');
      await git(name, 'push', '-q', '--force', 'origin', `HEAD:refs/heads/${branch}`);
      if (opts.tag) {
        await git(name, 'tag', '-a', '-f', '-m', `release ${opts.tag}`, opts.tag);
        await git(name, 'push', '-q', '--force', 'origin', `refs/tags/${opts.tag}`);
      }
      return sha;
    },
    git,
    requests: () => log.map((r) => ({ ...r })),
    clearRequests() {
      log = [];
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
