// Benchmark of commit-to-Available latency with `packsync up` on a Git working directory: a
// temporary repository holds a desired state with one Package (examples/app, built into the local
// registry as packsync.local/examples/app:v1); each round commits a config change with the git
// CLI and waits until the ClusterGitSync is Ready/Synced for that commit and the package's
// ConfigMap shows the new value. Nothing but the watch of .git triggers the sync (the GitSync's
// interval is minutes). The up session (embedded API server, local registry, manager) runs in
// this process, as `packsync up` does. Goal (issue 9): < 1 s. The webhook path is measured by
// bench/gitsync-latency.ts (goal < 2 s); run both in the same session to compare.
// Run: npx tsx bench/up-git-latency.ts [rounds]   (prints figures; decides nothing)
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { findWorkTree, gitSource, startUp, type SourceReporter } from '../src/up/index.js';
import { latencySummary, ms, syncedTo, until } from './latency.js';

const rounds = Number(process.argv[2] ?? 10);
const PKO = 'package-operator.run/v1alpha1';
const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', ...args],
    { cwd },
  );
  return stdout.trim();
}

const root = mkdtempSync(join(tmpdir(), 'packsync-bench-up-git-'));
const work = join(root, 'repo');
cpSync(join(import.meta.dirname, '../examples/app'), join(work, 'examples/app'), {
  recursive: true,
});
mkdirSync(join(work, 'desired'), { recursive: true });
writeFileSync(
  join(work, 'desired/ns.yaml'),
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n',
);
const writePackage = (greeting: string): void =>
  writeFileSync(
    join(work, 'desired/web.yaml'),
    `apiVersion: ${PKO}\nkind: Package\nmetadata: {name: web, namespace: bench}\nspec:\n` +
      `  image: packsync.local/examples/app:v1\n  config: {replicas: 1, greeting: "${greeting}"}\n`,
  );
writePackage('g0');
await git(work, 'init', '-q', '-b', 'main');
await git(work, 'add', '.');
await git(work, 'commit', '-q', '-m', 'g0');

const session = await startUp({
  dataDir: join(root, 'state'),
  ephemeral: true,
  logger: pino({ level: 'silent' }),
});
const client = session.client;
const wt = await findWorkTree(work);
if (wt === undefined) throw new Error('no work tree');
const source = gitSource('desired', wt, { cwd: work });
const problems: string[] = [];
const report: SourceReporter = {
  info: () => undefined,
  problem: (p) => problems.push(`${p.file}: ${p.message}`),
};
await source.check?.();
const t0 = performance.now();
const first = await source.sync(session, report);
const stopWatch = source.watch?.(session, report);

let sha = await git(work, 'rev-parse', 'HEAD');
const synced = (commit: string, greeting: string): Promise<boolean> =>
  syncedTo(client, 'desired', { name: 'web-settings', namespace: 'bench' }, commit, greeting);
await until('first sync', () => synced(sha, 'g0'), 5);
const firstMs = performance.now() - t0;

const latencies: number[] = [];
const toAttempt: number[] = [];
for (let i = 1; i <= rounds; i++) {
  writePackage(`g${i}`);
  await git(work, 'commit', '-q', '-am', `g${i}`);
  const start = performance.now();
  sha = await git(work, 'rev-parse', 'HEAD');
  let seen: number | undefined;
  await until(
    `round ${i}`,
    async () => {
      if (seen === undefined) {
        const gs = await client.get({
          apiVersion: 'packsync.dev/v1alpha1',
          kind: 'ClusterGitSync',
          name: 'desired',
        });
        if (
          (gs?.status as { lastAttemptedCommit?: string } | undefined)?.lastAttemptedCommit === sha
        )
          seen = performance.now() - start;
      }
      return synced(sha, `g${i}`);
    },
    5,
  );
  latencies.push(performance.now() - start);
  toAttempt.push(seen ?? NaN);
}

await stopWatch?.();
await session.stop();
rmSync(root, { recursive: true, force: true });

if (problems.length > 0) console.log(`problems: ${problems.join('; ')}`);
console.log(
  `first sync (packsync up on the directory -> Package Available): ${ms(firstMs)} (${first.applied.length} package)`,
);
console.log(
  `git commit -> GitSync attempted the commit (watch of .git + fetch + render), ${rounds} rounds: ` +
    latencySummary(toAttempt),
);
console.log(
  `git commit -> revision Available, one-package config change, ${rounds} rounds: ` +
    latencySummary(latencies, 1000),
);
console.log(`peak RSS of this process: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
