/**
 * The cases of `../shared/conformance/cli-expectations.yaml` (Package Operator's `kubectl package`
 * outputs) and the in-order matching of their expected lines.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';

export const conformanceDir = resolve(import.meta.dirname, '../../../shared/conformance');

export interface CliCase {
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

/** The cases `keep` selects, in file order. */
export function loadCliCases(keep: (c: CliCase) => boolean): CliCase[] {
  const all = parse(
    readFileSync(join(conformanceDir, 'cli-expectations.yaml'), 'utf8'),
  ) as CliCase[];
  return all.filter(keep);
}

/** Each expected line (a regex if `regex`) must be found after the end of the previous match. */
export function expectInOrder(text: string, lines: string[], regex: boolean, stream: string): void {
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
