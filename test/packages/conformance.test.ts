/**
 * The `tree` and `validate` cases of `../shared/conformance/cli-expectations.yaml` that need no
 * registry, network or generated package, run through `main()` with captured streams. Cases
 * marked `writes-package` run on a temporary copy of their package folder.
 */
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../helpers/cli-capture.js';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const conformanceDir = resolve(repoRoot, '../shared/conformance');

interface Case {
  id: string;
  command: string | null;
  args: string[];
  package: string | null;
  exit_code: number;
  stdout_lines: string[];
  stderr_lines: string[];
  regex: boolean;
  stdout_exact?: string;
  stderr_exact?: string;
  requires: string[];
  notes: string;
}

const cases = (
  parse(readFileSync(join(conformanceDir, 'cli-expectations.yaml'), 'utf8')) as Case[]
).filter(
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

/** Each expectation must be found after the end of the previous match. */
function expectInOrder(text: string, lines: string[], regex: boolean, stream: string): void {
  let pos = 0;
  for (const line of lines) {
    const rest = text.slice(pos);
    let idx: number;
    let len: number;
    if (regex) {
      const m = new RegExp(line).exec(rest);
      idx = m ? m.index : -1;
      len = m ? m[0].length : 0;
    } else {
      idx = rest.indexOf(line);
      len = line.length;
    }
    expect(
      idx,
      `${stream} should contain ${JSON.stringify(line)} after offset ${pos}:\n${text}`,
    ).toBeGreaterThanOrEqual(0);
    pos += idx + len;
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
      const cap = captureIo();
      const code = await main(['node', 'packsync', c.command ?? '', ...args], cap.io);
      const out = cap.out();
      const err = cap.err();
      expect(code, `exit code; stdout:\n${out}\nstderr:\n${err}`).toBe(c.exit_code);
      expectInOrder(out, c.stdout_lines, c.regex, 'stdout');
      expectInOrder(err, c.stderr_lines, c.regex, 'stderr');
      if (c.stdout_exact !== undefined) expect(out).toBe(c.stdout_exact);
      if (c.stderr_exact !== undefined) expect(err).toBe(c.stderr_exact);
    });
  }
});
