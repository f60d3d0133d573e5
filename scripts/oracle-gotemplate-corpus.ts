/**
 * Corpus generator for the Go template oracle: builds every case, sends them to the oracle binary
 * (`--oracle <path>`, JSON-lines protocol of ../shared/tools/gotemplate-oracle/main.go) and rewrites
 * the committed fixtures in test/gotemplate/fixtures/. `--list` prints the requests instead.
 * Run through `npm run oracle:gotemplate`, which builds the oracle first.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { contexts } from './oracle-gotemplate-corpus/contexts.js';
import { coreCases } from './oracle-gotemplate-corpus/core.js';
import { pkoCases } from './oracle-gotemplate-corpus/pko.js';
import { randomCases } from './oracle-gotemplate-corpus/random.js';
import { realisticCases } from './oracle-gotemplate-corpus/realistic.js';
import { sprigCases } from './oracle-gotemplate-corpus/sprig.js';
import type { CorpusCase } from './oracle-gotemplate-corpus/types.js';

interface OracleResponse {
  id: string;
  output?: string;
  error?: string;
  stage?: string;
}

/** Longer error texts (deep include chains) are kept as a prefix. */
const maxError = 1000;

const groups: Record<string, CorpusCase[]> = {
  core: coreCases,
  sprig: sprigCases,
  pko: pkoCases,
  real: realisticCases(contexts),
  random: randomCases(),
};

function request(c: CorpusCase): Record<string, unknown> {
  const { ctx, ...rest } = c;
  return { ...rest, context: c.context ?? (ctx === undefined ? undefined : contexts[ctx]) };
}

async function askOracle(bin: string, cases: CorpusCase[]): Promise<Map<string, OracleResponse>> {
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = new Map<string, OracleResponse>();
  const lines = createInterface({ input: child.stdout });
  const done = (async () => {
    for await (const line of lines) {
      const res = JSON.parse(line) as OracleResponse;
      answers.set(res.id, res);
    }
  })();
  for (const c of cases) child.stdin.write(JSON.stringify(request(c)) + '\n');
  child.stdin.end();
  await done;
  return answers;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const all = Object.values(groups).flat();
  const ids = new Set<string>();
  for (const c of all) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  if (args[0] === '--list') {
    for (const c of all) process.stdout.write(JSON.stringify(request(c)) + '\n');
    return;
  }
  const bin = args[0] === '--oracle' ? args[1] : undefined;
  if (bin === undefined)
    throw new Error('usage: oracle-gotemplate-corpus.ts --oracle <binary> | --list');
  const answers = await askOracle(bin, all);
  const dir = path.resolve(import.meta.dirname, '../test/gotemplate/fixtures');
  mkdirSync(dir, { recursive: true });
  const contextLines = Object.entries(contexts).map(([name, context]) =>
    JSON.stringify({ name, context }),
  );
  writeFileSync(path.join(dir, 'contexts.jsonl'), contextLines.join('\n') + '\n');
  const stats = { output: 0, parse: 0, exec: 0 };
  for (const [group, cases] of Object.entries(groups)) {
    const lines = cases.map((c) => {
      const res = answers.get(c.id);
      if (res === undefined) throw new Error(`no oracle answer for ${c.id}`);
      if (res.stage === 'input') throw new Error(`oracle rejected ${c.id}: ${res.error}`);
      if (res.output !== undefined) stats.output++;
      else stats[res.stage === 'parse' ? 'parse' : 'exec']++;
      const expect =
        res.output !== undefined
          ? { output: res.output }
          : (res.error ?? '').length > maxError
            ? { error: res.error?.slice(0, maxError), errorIsPrefix: true, stage: res.stage }
            : { error: res.error, stage: res.stage };
      return JSON.stringify({ ...c, ...expect });
    });
    writeFileSync(path.join(dir, `${group}.jsonl`), lines.join('\n') + '\n');
  }
  process.stdout.write(
    `wrote ${all.length} cases to ${dir}: ${stats.output} outputs, ${stats.parse} parse errors, ${stats.exec} exec errors\n`,
  );
}

await main();
