// Git source benchmark: a repository of 2,000 files and 200 commits served by `git http-backend`;
// first sync (resolve + fetch + read every file) and incremental sync (one new commit) with
// GitSource, next to native `git clone --depth 1` / `git fetch` in the same run, as ratios.
// Run with `npx tsx bench/git.ts [rounds]`. Prints figures; decides nothing.
//
// Each GitSource measurement runs in a fresh child process (this file with `--child`), so its peak
// RSS is its own; the child's baseline (node + tsx + isomorphic-git loaded) is printed too. Native
// RSS comes from /usr/bin/time when it is installed.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { GitSource } from '../src/git/index.js';
import { gitHttpBackend, startGitServer } from '../test/helpers/git-server.js';

interface ChildResult {
  ms: number;
  rssMb: number;
  files: number;
  bytesFetched: number;
}

if (process.argv[2] === '--child') {
  // --child <mode> <url> <cacheDir>; mode `sequence` syncs, prints, waits for a line on stdin (the
  // parent commits meanwhile), syncs again in the same process and prints again.
  const [mode, url, cacheDir] = process.argv.slice(3) as [string, string, string];
  const src = new GitSource({ cacheDir });
  const repo = { url, ref: { branch: 'main' } };
  const sync = async (): Promise<void> => {
    const t = performance.now();
    const before = src.stats().bytesFetched;
    let files = 0;
    if (mode !== 'baseline') {
      const { sha } = await src.resolve(repo);
      files = (await src.checkout(repo, sha, '.')).files.size;
    }
    const result: ChildResult = {
      ms: performance.now() - t,
      rssMb: process.resourceUsage().maxRSS / 1024,
      files,
      bytesFetched: src.stats().bytesFetched - before,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  };
  await sync();
  if (mode === 'sequence') {
    await new Promise((resolve) => process.stdin.once('data', resolve));
    await sync();
  }
  process.exit(0);
}

if (!existsSync(gitHttpBackend)) {
  process.stderr.write(`bench/git.ts needs ${gitHttpBackend} (Debian package git)\n`);
  process.exit(0);
}

const rounds = Number(process.argv[2] ?? 3);
const self = fileURLToPath(import.meta.url);
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };
const haveTime = existsSync('/usr/bin/time');

function child(mode: string, url: string, cacheDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', self, '--child', mode, url, cacheDir],
      { env, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as ChildResult);
      },
    );
  });
}

/** A child that syncs, lets `between` run, then syncs again in the same process. */
async function childSequence(
  url: string,
  cacheDir: string,
  between: () => Promise<void>,
): Promise<[ChildResult, ChildResult]> {
  const p = spawn(
    process.execPath,
    ['--import', 'tsx', self, '--child', 'sequence', url, cacheDir],
    {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: ChildResult[] = [];
  let buf = '';
  let wake: (() => void) | undefined;
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)) as ChildResult);
      buf = buf.slice(i + 1);
      wake?.();
    }
  });
  const next = async (n: number): Promise<void> => {
    while (lines.length < n) await new Promise<void>((r) => (wake = r));
  };
  await next(1);
  await between();
  p.stdin.end('go\n');
  await next(2);
  return [lines[0] as ChildResult, lines[1] as ChildResult];
}

/** Runs a native git command; wall time and (with /usr/bin/time) peak RSS. */
function native(args: string[], cwd: string): Promise<{ ms: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const cmd = haveTime ? '/usr/bin/time' : 'git';
    const argv = haveTime ? ['-f', 'RSSKB=%M', 'git', ...args] : args;
    const t = performance.now();
    const p = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => {
      const ms = performance.now() - t;
      if (code !== 0) reject(new Error(`git ${args.join(' ')}: ${stderr}`));
      const kb = /RSSKB=(\d+)/.exec(stderr)?.[1];
      resolve({ ms, rssMb: kb ? Number(kb) / 1024 : Number.NaN });
    });
  });
}

function run(cmd: string, args: string[], cwd: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = execFile(cmd, args, { cwd, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
    if (input !== undefined) p.stdin?.end(input);
  });
}

/** fast-import stream: commit 1 adds 2,000 files, commits 2..200 each change 10 of them. */
function history(): string {
  const out: string[] = [];
  const file = (i: number, rev: number): string => {
    let text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: team-${i % 20}\ndata:\n  revision: "${rev}"\n`;
    for (let k = 0; text.length < 400; k++)
      text += `  key${k}: value-${(i * 7919 + k * 31 + rev) % 100003}\n`;
    return text;
  };
  const blob = (path: string, text: string): string =>
    `M 644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  for (let c = 1; c <= 200; c++) {
    const when = 1_700_000_000 + c * 60;
    let body = `commit refs/heads/main\ncommitter Bench <bench@example.com> ${when} +0000\n`;
    const msg = `commit ${c}`;
    body += `data ${msg.length}\n${msg}\n`;
    if (c === 1) {
      for (let i = 0; i < 2000; i++)
        body += blob(`clusters/team-${i % 20}/cm-${i}.yaml`, file(i, 0));
    } else {
      for (let j = 0; j < 10; j++) {
        const i = (c * 10 + j) % 2000;
        body += blob(`clusters/team-${i % 20}/cm-${i}.yaml`, file(i, c));
      }
    }
    out.push(body);
  }
  return out.join('');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const srv = await startGitServer();
const scratch = await mkdtemp(join(tmpdir(), 'packsync-bench-git-'));
try {
  const name = 'bench';
  const work = await srv.createRepo(name);
  await run('git', ['fast-import', '--quiet'], srv.barePath(name), history());
  await run('git', ['fetch', '-q', 'origin'], work);
  await run('git', ['reset', '-q', '--hard', 'origin/main'], work);
  await run('git', ['branch', '-q', '--set-upstream-to', 'origin/main'], work);
  const url = srv.repoUrl(name);

  const baseline = await child('baseline', url, join(scratch, 'baseline'));
  const iso = { first: [] as ChildResult[], incr: [] as ChildResult[], fresh: [] as ChildResult[] };
  const git = {
    first: [] as { ms: number; rssMb: number }[],
    incr: [] as { ms: number; rssMb: number }[],
  };
  const gitNoCheckout: { ms: number; rssMb: number }[] = [];
  let seq = 0;
  const change = async (): Promise<void> => {
    seq++;
    await srv.commit(name, { [`clusters/team-1/cm-1.yaml`]: `round: ${seq}\n` }, `change ${seq}`);
  };
  for (let r = 0; r < rounds; r++) {
    const cache = join(scratch, `cache-${r}`);
    const clone = join(scratch, `clone-${r}`);
    git.first.push(await native(['clone', '-q', '--depth', '1', url, clone], scratch));
    gitNoCheckout.push(
      await native(
        ['clone', '-q', '--bare', '--depth', '1', url, join(scratch, `bare-${r}`)],
        scratch,
      ),
    );
    // First sync, one new commit, incremental sync in the same process (the controller's case).
    const [first, incr] = await childSequence(url, cache, change);
    iso.first.push(first);
    iso.incr.push(incr);
    git.incr.push(await native(['fetch', '-q', '--depth', '1', 'origin', 'main'], clone));
    // One more commit, synced by a fresh process on the same cache (`packsync sync --once` in CI).
    await change();
    iso.fresh.push(await child('incremental', url, cache));
  }

  const row = (label: string, ms: number[], rss: number[], base?: { ms: number; rss: number }) => {
    const m = median(ms);
    const r = median(rss);
    const ratio = base
      ? `  (x${(m / base.ms).toFixed(2)} time, x${(r / base.rss).toFixed(2)} RSS)`
      : '';
    process.stdout.write(
      `${label.padEnd(44)} ${m.toFixed(0).padStart(6)} ms ${r.toFixed(0).padStart(5)} MB${ratio}\n`,
    );
  };
  const nativeFirst = {
    ms: median(git.first.map((x) => x.ms)),
    rss: median(git.first.map((x) => x.rssMb)),
  };
  const nativeIncr = {
    ms: median(git.incr.map((x) => x.ms)),
    rss: median(git.incr.map((x) => x.rssMb)),
  };
  process.stdout.write(
    `git source: 2,000 files, 200 commits, median of ${rounds} rounds (noisy shared machine; ratios are within this run)\n`,
  );
  process.stdout.write(
    `GitSource child baseline (node + tsx + imports): ${baseline.rssMb.toFixed(0)} MB RSS\n`,
  );
  row(
    'native git clone --depth 1',
    git.first.map((x) => x.ms),
    git.first.map((x) => x.rssMb),
  );
  row(
    'native git clone --depth 1 --bare',
    gitNoCheckout.map((x) => x.ms),
    gitNoCheckout.map((x) => x.rssMb),
  );
  row(
    'GitSource first sync (resolve+fetch+read)',
    iso.first.map((x) => x.ms),
    iso.first.map((x) => x.rssMb),
    nativeFirst,
  );
  row(
    'native git fetch --depth 1 (one new commit)',
    git.incr.map((x) => x.ms),
    git.incr.map((x) => x.rssMb),
  );
  row(
    'GitSource incremental, same process',
    iso.incr.map((x) => x.ms),
    iso.incr.map((x) => x.rssMb),
    nativeIncr,
  );
  row(
    'GitSource incremental, fresh process',
    iso.fresh.map((x) => x.ms),
    iso.fresh.map((x) => x.rssMb),
    nativeIncr,
  );
  process.stdout.write(
    `files read per sync: ${iso.first[0]?.files}; bytes fetched: first ${median(iso.first.map((x) => x.bytesFetched))}, incremental ${median(iso.incr.map((x) => x.bytesFetched))}\n` +
      'RSS of GitSource rows is the peak of the whole child process (same process: first sync included)\n',
  );
  if (!haveTime) process.stdout.write('(native RSS needs /usr/bin/time, Debian package time)\n');
} finally {
  await srv.stop();
  await rm(scratch, { recursive: true, force: true });
}
