/**
 * The real kubectl against a test server, with a private HOME and KUBECONFIG so nothing of the
 * machine's own configuration leaks in.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptions } from '../../src/server/index.js';
import { startTestServer, type TestServer } from './helpers.js';

export const hasKubectl =
  spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** Says loudly that a suite is skipped because kubectl is missing. */
export function warnIfNoKubectl(suite: string): void {
  if (!hasKubectl)
    console.warn(`\n*** SKIPPING ${suite}: \`kubectl\` is not installed on this machine ***\n`);
}

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlEnv {
  ts: TestServer;
  home: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<KubectlRun>;
  /** Runs kubectl and returns stdout; a non-zero exit is an error with kubectl's stderr. */
  ok(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<string>;
  stop(): Promise<void>;
}

export async function startKubectlEnv(
  prefix: string,
  serverOptions: ServerOptions = {},
): Promise<KubectlEnv> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(home, '.kube'));
  const kubeconfig = join(home, '.kube', 'config');
  const ts = await startTestServer({ ...serverOptions, kubeconfigOut: kubeconfig });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    KUBECONFIG: kubeconfig,
  };
  const run: KubectlEnv['run'] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const p = spawn('kubectl', args, { env: { ...env, ...opts.env }, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      p.stdin.end(opts.input ?? '');
    });
  return {
    ts,
    home,
    env,
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0)
        throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      await ts.server.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
