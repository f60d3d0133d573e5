/**
 * Test helpers for OCI interop: a real Debian `docker-registry` on 127.0.0.1 (plain HTTP, storage in
 * a temp dir, optionally htpasswd-protected), and runners for `skopeo` and `buildah` with their
 * storage kept under a temp dir. Tools a machine lacks are reported by `missingTools`.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { createNodeFetch } from '../../src/oci/http.js';

const run = promisify(execFile);

/** Names of the tools (of `names`) that are not on PATH. */
export async function missingTools(names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const n of names) {
    try {
      await run('sh', ['-c', `command -v ${n}`]);
    } catch {
      missing.push(n);
    }
  }
  return missing;
}

/** Prints a loud skip notice (the suite is then skipped with `describe.skipIf`). */
export function warnSkip(suite: string, missing: readonly string[]): void {
  if (missing.length > 0) {
    process.stderr.write(
      `\n*** SKIPPING ${suite}: missing tools: ${missing.join(', ')} (install them with .ci/run) ***\n\n`,
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  dir: string;
  /** PEM of the self-signed certificate when started with `tls`. */
  certificate?: string;
  stop(): Promise<void>;
}

const probeFetch = createNodeFetch({ insecureSkipVerify: true });

async function waitReady(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
    try {
      const res = await probeFetch(url, { method: 'GET', headers: {} });
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not become ready: ${log()}`);
}

/**
 * Starts `docker-registry serve` on a free loopback port. With `htpasswd`, the registry requires
 * Basic auth for that user (the bcrypt file is made with `htpasswd -nbB`).
 */
export async function startRegistry(
  options: { htpasswd?: { username: string; password: string }; tls?: boolean } = {},
): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'packsync-registry-'));
  const port = await freePort();
  let tls = '';
  if (options.tls) {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    tls = `  tls:\n    certificate: ${join(dir, 'cert.pem')}\n    key: ${join(dir, 'key.pem')}\n`;
  }
  let auth = '';
  if (options.htpasswd) {
    const { stdout } = await run('htpasswd', [
      '-nbB',
      options.htpasswd.username,
      options.htpasswd.password,
    ]);
    writeFileSync(join(dir, 'htpasswd'), stdout.trim() + '\n');
    auth = `auth:\n  htpasswd:\n    realm: packsync-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${tls}${auth}`,
  );
  const proc = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try {
    await waitReady(
      `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/v2/`,
      proc,
      () => stderr,
    );
  } catch (err) {
    proc.kill();
    await exited;
    throw err;
  }
  return {
    host: `127.0.0.1:${port}`,
    dir,
    ...(options.tls ? { certificate: readFileSync(join(dir, 'cert.pem'), 'utf8') } : {}),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs skopeo with an accept-anything policy; returns stdout. */
export async function skopeo(args: readonly string[]): Promise<string> {
  const { stdout } = await run('skopeo', ['--insecure-policy', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Runs buildah with vfs storage under `root` (no daemon, nothing under /var/lib/containers). */
export async function buildah(root: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run(
    'buildah',
    [
      '--root',
      join(root, 'storage'),
      '--runroot',
      join(root, 'run'),
      '--storage-driver',
      'vfs',
      ...args,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout.trim();
}
