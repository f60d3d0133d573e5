/**
 * The `tree` and `validate` cases of `../shared/conformance/cli-expectations.yaml` that need no
 * registry, network or generated package, run through `main()` with captured streams. Cases
 * marked `writes-package` run on a temporary copy of their package folder.
 */
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-capture.js';
import { conformanceDir, expectInOrder, loadCliCases } from '../helpers/cli-expectations.js';

const cases = loadCliCases(
  (c) =>
    (c.command === 'tree' || c.command === 'validate') &&
    c.requires.every((r) => r === 'writes-package'),
);

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) makeWritable(p);
    else chmodSync(p, 0o644);
  }
}

describe('conformance: kubectl package tree/validate', () => {
  it('has the expected number of runnable cases', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  for (const c of cases) {
    it(`${c.id}`, async () => {
      let pkg = c.package === null ? '' : join(conformanceDir, c.package);
      if (c.requires.includes('writes-package') && c.package !== null) {
        const tmp = mkdtempSync(join(tmpdir(), 'packsync-conformance-'));
        scratch.push(tmp);
        cpSync(pkg, join(tmp, 'pkg'), { recursive: true, verbatimSymlinks: true });
        pkg = join(tmp, 'pkg');
        makeWritable(pkg);
      }
      const args = c.args.map((a) =>
        a.replaceAll('{pkg}', pkg).replaceAll('{root}', conformanceDir),
      );
      const { code, out, err } = await runCli(c.command ?? '', ...args);
      expect(code, `exit code; stdout:\n${out}\nstderr:\n${err}`).toBe(c.exit_code);
      expectInOrder(out, c.stdout_lines, c.regex, 'stdout');
      expectInOrder(err, c.stderr_lines, c.regex, 'stderr');
      if (c.stdout_exact !== undefined) expect(out).toBe(c.stdout_exact);
      if (c.stderr_exact !== undefined) expect(err).toBe(c.stderr_exact);
    });
  }
});
