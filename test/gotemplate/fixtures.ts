/**
 * Loads the oracle fixtures (test/gotemplate/fixtures/*.jsonl, written by
 * `npm run oracle:gotemplate`) and renders a case with our engine the way the oracle does.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  fromJSON,
  isTemplateError,
  parseTemplates,
  pkoFuncs,
  type MissingKey,
} from '../../src/gotemplate/index.js';

export interface OracleFixture {
  id: string;
  template?: string;
  templates?: Record<string, string>;
  execute?: string;
  ctx?: string;
  context?: unknown;
  missingkey?: MissingKey;
  files?: Record<string, string>;
  output?: string;
  error?: string;
  errorIsPrefix?: boolean;
  stage?: 'parse' | 'exec';
}

export type Rendered = { output: string } | { error: string; stage: 'parse' | 'exec' | 'crash' };

const dir = path.resolve(import.meta.dirname, 'fixtures');
export const fixtureGroups = ['core', 'sprig', 'pko', 'real', 'random'] as const;

function readLines(file: string): unknown[] {
  return readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Shared contexts as JSON text, parsed afresh for every case (functions like `set` mutate). */
const contextText = new Map(
  (readLines('contexts.jsonl') as { name: string; context: unknown }[]).map((c) => [
    c.name,
    JSON.stringify(c.context),
  ]),
);

export function loadFixtures(group: string): OracleFixture[] {
  return readLines(`${group}.jsonl`) as OracleFixture[];
}

function contextOf(f: OracleFixture): unknown {
  if (f.context !== undefined) return JSON.parse(JSON.stringify(f.context));
  if (f.ctx === undefined) return null;
  const text = contextText.get(f.ctx);
  if (text === undefined) throw new Error(`fixture ${f.id}: unknown context ${f.ctx}`);
  return JSON.parse(text);
}

/** Renders a fixture with our engine: output, or the error and the stage it happened at. */
export function render(f: OracleFixture): Rendered {
  const sources = f.templates ?? { template: f.template ?? '' };
  const names = Object.keys(sources).sort();
  const execute = f.execute ?? names[0]!;
  const funcs = pkoFuncs({ files: f.files ?? {} });
  let set;
  try {
    set = parseTemplates(sources, { funcs });
  } catch (err) {
    if (isTemplateError(err)) return { error: err.message, stage: err.stage };
    return { error: String(err), stage: 'crash' };
  }
  try {
    return {
      output: set.execute(execute, fromJSON(contextOf(f)), { missingkey: f.missingkey ?? 'error' }),
    };
  } catch (err) {
    if (isTemplateError(err)) return { error: err.message, stage: err.stage };
    return {
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stage: 'crash',
    };
  }
}

/** Whether our error text matches the oracle's (a prefix when the oracle's was cut). */
export function sameErrorText(f: OracleFixture, error: string): boolean {
  if (f.error === undefined) return false;
  return f.errorIsPrefix === true ? error.startsWith(f.error) : error === f.error;
}
