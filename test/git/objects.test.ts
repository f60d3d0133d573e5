/**
 * ObjectReader against two oracles: `git cat-file` on a repository with loose objects and with
 * delta-compressed packs (after `git gc`), and isomorphic-git on a GitSource cache whose packs are
 * thin (deltas against objects of earlier packs).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GitSource } from '../../src/git/index.js';
import { ObjectReader } from '../../src/git/objects.js';
import { gitHttpBackend, startGitServer, type GitServer } from '../helpers/git-server.js';

const available = existsSync(gitHttpBackend);
const run = promisify(execFile);

async function catFileAll(gitdir: string): Promise<Map<string, { type: string; data: Buffer }>> {
  const { stdout } = await run(
    'git',
    ['--git-dir', gitdir, 'cat-file', '--batch-all-objects', '--batch'],
    { encoding: 'buffer', maxBuffer: 256 << 20 },
  );
  const out = new Map<string, { type: string; data: Buffer }>();
  let pos = 0;
  while (pos < stdout.length) {
    const nl = stdout.indexOf(0x0a, pos);
    const [oid, type, size] = stdout.subarray(pos, nl).toString().split(' ');
    const start = nl + 1;
    const end = start + Number(size);
    out.set(oid as string, { type: type as string, data: stdout.subarray(start, end) });
    pos = end + 1;
  }
  return out;
}

/** Text that changes a little per commit, so packs hold chains of deltas. */
function evolving(seed: number, rev: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++)
    lines.push(`line ${i} of file ${seed}: ${i % 37 === rev % 37 ? `rev ${rev}` : 'same'}`);
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!available)('ObjectReader', () => {
  let srv: GitServer;
  let scratch: string;
  beforeAll(async () => {
    srv = await startGitServer();
    scratch = await mkdtemp(join(tmpdir(), 'packsync-objects-'));
  });
  afterAll(async () => {
    await srv?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads every object like git cat-file, loose and after git gc', async () => {
    await srv.createRepo('diff');
    for (let rev = 0; rev < 8; rev++) {
      const files: Record<string, string | Buffer> = {};
      for (let f = 0; f < 6; f++) files[`dir${f % 2}/f${f}.txt`] = evolving(f, rev);
      if (rev === 3) files['bin/random.bin'] = randomBytes(70_000); // > 64 KiB copies
      await srv.commit('diff', files, `rev ${rev}`, rev % 4 === 0 ? { tag: `v0.${rev}.0` } : {});
    }
    const gitdir = srv.barePath('diff');
    for (const phase of ['loose', 'packed']) {
      if (phase === 'packed') {
        await run('git', ['--git-dir', gitdir, 'gc', '-q']);
      }
      const want = await catFileAll(gitdir);
      expect(want.size).toBeGreaterThan(50);
      const reader = new ObjectReader(gitdir);
      for (const [oid, obj] of want) {
        const got = await reader.read(oid);
        expect(got?.type, `${phase} ${oid}`).toBe(obj.type);
        expect(got?.data.equals(obj.data), `${phase} ${oid}`).toBe(true);
      }
    }
    const packs = (await readdir(join(gitdir, 'objects', 'pack'))).filter((n) =>
      n.endsWith('.pack'),
    );
    expect(packs.length).toBeGreaterThan(0);
    expect(await new ObjectReader(gitdir).read('0'.repeat(40))).toBeUndefined();
  });

  it('reads thin packs of incremental fetches like isomorphic-git does', async () => {
    await srv.createRepo('thin');
    const cacheDir = await mkdtemp(join(scratch, 'cache-'));
    const src = new GitSource({ cacheDir });
    const repo = { url: srv.repoUrl('thin'), ref: { branch: 'main' } };
    for (let rev = 0; rev < 5; rev++) {
      const files: Record<string, string> = {};
      for (let f = 0; f < 4; f++) files[`f${f}.txt`] = evolving(f, rev);
      await srv.commit('thin', files, `rev ${rev}`);
      await src.checkout(repo, (await src.resolve(repo)).sha, '.');
    }
    const gitdir = join(cacheDir, (await readdir(cacheDir))[0] ?? 'missing');
    const oids = new Set<string>();
    let refDeltas = 0;
    const packDir = join(gitdir, 'objects', 'pack');
    for (const idx of (await readdir(packDir)).filter((n) => n.endsWith('.idx'))) {
      const buf = fs.readFileSync(join(packDir, idx));
      const pack = fs.readFileSync(join(packDir, idx.replace(/idx$/, 'pack')));
      const count = buf.readUInt32BE(8 + 255 * 4);
      for (let i = 0; i < count; i++) {
        oids.add(buf.subarray(8 + 1024 + i * 20, 8 + 1024 + i * 20 + 20).toString('hex'));
        const offset = buf.readUInt32BE(8 + 1024 + count * 24 + i * 4);
        if ((((pack[offset] ?? 0) >> 4) & 7) === 7) refDeltas++;
      }
    }
    // Thin packs: deltas against objects of earlier packs.
    expect(refDeltas).toBeGreaterThan(0);
    expect(oids.size).toBeGreaterThan(10);
    const reader = new ObjectReader(gitdir);
    for (const oid of oids) {
      const want = await git.readObject({ fs, gitdir: gitdir, oid, format: 'content' });
      const got = await reader.read(oid);
      expect(got?.type).toBe(want.type);
      expect(got?.data.equals(Buffer.from(want.object as Uint8Array)), oid).toBe(true);
    }
  });
});
