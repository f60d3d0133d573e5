/** Reading refs of a local repository made with the git CLI: every ref form `preview` accepts. */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRefTree, resolveCommit } from '../../src/diff/index.js';
import { missingTools, warnSkip } from '../oci/registry-helper.js';
import { git, gitRepo } from './helpers.js';

const missing = await missingTools(['git']);
warnSkip('git ref reader', missing);

describe.skipIf(missing.length > 0)('readRefTree', () => {
  let dir: string;
  const text = (m: Map<string, Uint8Array>, p: string) => new TextDecoder().decode(m.get(p));

  beforeAll(async () => {
    dir = await gitRepo(
      { 'a.yaml': 'v: 1\n', 'sub/b.yaml': 'b: 1\n', 'other.txt': 'x' },
      {},
      'pkg',
    );
    await git(dir, 'tag', '-a', 'v1', '-m', 'one');
    await git(dir, 'checkout', '-q', '-b', 'next');
    await git(dir, 'rm', '-q', 'pkg/sub/b.yaml');
    await git(dir, 'commit', '-q', '-m', 'drop b');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves branches, annotated tags, short ids, HEAD and ~N / ^ suffixes to the same commits', async () => {
    const first = await git(dir, 'rev-parse', 'main');
    const second = await git(dir, 'rev-parse', 'next');
    expect(await resolveCommit(dir, 'main')).toBe(first);
    expect(await resolveCommit(dir, 'v1')).toBe(first);
    expect(await resolveCommit(dir, first.slice(0, 7))).toBe(first);
    expect(await resolveCommit(dir, 'HEAD')).toBe(second);
    expect(await resolveCommit(dir, 'HEAD~1')).toBe(first);
    expect(await resolveCommit(dir, 'next^')).toBe(first);
    await expect(resolveCommit(dir, 'HEAD~5')).rejects.toThrow(/has no parent/);
    await expect(resolveCommit(dir, 'nope')).rejects.toThrow(
      /resolving "nope" in .*: unknown revision "nope"/,
    );
  });

  it('reads the files under the path at a ref, relative to it', async () => {
    const main = await readRefTree(dir, 'main', 'pkg');
    expect([...main.files.keys()].sort()).toEqual(['a.yaml', 'other.txt', 'sub/b.yaml']);
    expect(text(main.files, 'sub/b.yaml')).toBe('b: 1\n');
    const next = await readRefTree(dir, 'next', 'pkg/');
    expect([...next.files.keys()].sort()).toEqual(['a.yaml', 'other.txt']);
    await expect(readRefTree(dir, 'main', 'missing')).rejects.toThrow(/reading missing at main/);
  });
});
