import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'A', 'B')).toBe('');
  });

  it('prints GNU diff -u hunks (the stale fixture of the guide example)', () => {
    const before =
      ['a', 'b', 'c', '          image: nginx:latest', 'd', 'e', 'f'].join('\n') + '\n';
    const after =
      [
        'a',
        'b',
        'c',
        '          # one',
        '          # two',
        '          image: "nginx:latest"',
        'd',
        'e',
        'f',
      ].join('\n') + '\n';
    expect(unifiedDiff(before, after, 'FIXTURE/deployment.yaml', 'ACTUAL/deployment.yaml')).toBe(
      '--- FIXTURE/deployment.yaml\n+++ ACTUAL/deployment.yaml\n@@ -1,7 +1,9 @@\n a\n b\n c\n-          image: nginx:latest\n+          # one\n+          # two\n+          image: "nginx:latest"\n d\n e\n f\n',
    );
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', 'A', 'B')).toBe(
      '--- A\n+++ B\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    );
  });

  const probe = spawnSync('diff', ['--version']);
  const haveDiff = probe.status === 0;
  const tmp = mkdtempSync(join(tmpdir(), 'packsync-diff-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.skipIf(!haveDiff)('matches GNU diff -u --minimal on random line edits', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'd', '', 'x y');
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 30 }),
        fc.array(line, { maxLength: 30 }),
        fc.boolean(),
        (xs, ys, eol) => {
          const a = xs.join('\n') + (eol && xs.length ? '\n' : '');
          const b = ys.join('\n') + (ys.length ? '\n' : '');
          writeFileSync(join(tmp, 'a'), a);
          writeFileSync(join(tmp, 'b'), b);
          const r = spawnSync('diff', [
            '-u',
            // Without --minimal GNU diff may cut its search short and print a longer edit script
            // (e.g. six `a` lines against `b,,,a,d,c,b`); ours is always minimal.
            '--minimal',
            '--label=A',
            '--label=B',
            join(tmp, 'a'),
            join(tmp, 'b'),
          ]);
          const ours = unifiedDiff(a, b, 'A', 'B');
          // Both are minimal edit scripts; hunks must agree on which lines changed.
          const count = (s: string, c: string) =>
            s.split('\n').filter((l) => l.startsWith(c) && !l.startsWith(c + c + c)).length;
          expect(count(ours, '-')).toBe(count(r.stdout.toString(), '-'));
          expect(count(ours, '+')).toBe(count(r.stdout.toString(), '+'));
          expect(ours === '').toBe(r.stdout.length === 0);
        },
      ),
      { numRuns: 150 },
    );
  });
  if (!haveDiff)
    console.warn('SKIPPED: GNU diff is not installed, unified diff cross-check not run');
});
