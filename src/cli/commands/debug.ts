/**
 * `packsync debug ...`: developer tools. `debug gotemplate` answers the Go template oracle's
 * JSON-lines protocol (`../shared/tools/gotemplate-oracle/main.go`) with our engine and Package
 * Operator's function set, so one corpus or benchmark runs against both implementations.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import {
  fromJSON,
  isTemplateError,
  parseTemplates,
  pkoFuncs,
  type MissingKey,
  type TemplateSet,
} from '../../gotemplate/index.js';

interface OracleRequest {
  id?: string;
  templates?: Record<string, string>;
  template?: string;
  execute?: string;
  context?: unknown;
  missingkey?: string;
  files?: Record<string, string>;
  bench?: number;
}

interface OracleResponse {
  id: string;
  output?: string;
  error?: string;
  stage?: string;
  ns_per_op?: number;
  exec_ns_per_op?: number;
}

const missingKeys: readonly string[] = ['error', 'default', 'zero'];

function encode(res: OracleResponse): string {
  // Field order and escaping as Go's json.Encoder with SetEscapeHTML(false).
  const ordered: OracleResponse = { id: res.id };
  if (res.output !== undefined) ordered.output = res.output;
  if (res.error) ordered.error = res.error;
  if (res.stage) ordered.stage = res.stage;
  if (res.ns_per_op) ordered.ns_per_op = res.ns_per_op;
  if (res.exec_ns_per_op) ordered.exec_ns_per_op = res.exec_ns_per_op;
  return JSON.stringify(ordered)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function parseRequest(line: string): OracleRequest {
  const req = JSON.parse(line) as unknown;
  if (typeof req !== 'object' || req === null || Array.isArray(req)) {
    throw new Error('json: cannot unmarshal into Go value of type main.request');
  }
  return req;
}

/** Renders one request like the oracle: parse every template, execute one. */
export function answerGotemplateRequest(line: string): string {
  let req: OracleRequest;
  try {
    req = parseRequest(line);
  } catch (err) {
    return encode({ id: '', error: `bad request: ${(err as Error).message}`, stage: 'input' });
  }
  const id = typeof req.id === 'string' ? req.id : '';
  const sources =
    req.templates !== undefined && Object.keys(req.templates).length > 0
      ? req.templates
      : { template: req.template ?? '' };
  const names = Object.keys(sources).sort();
  const execName = req.execute !== undefined && req.execute !== '' ? req.execute : names[0]!;
  const missingkey = (
    req.missingkey !== undefined && missingKeys.includes(req.missingkey) ? req.missingkey : 'error'
  ) as MissingKey;
  const files = req.files ?? {};
  const context = fromJSON(req.context);

  const parse = (): TemplateSet => parseTemplates(sources, { funcs: pkoFuncs({ files }) });
  const execute = (set: TemplateSet): string => {
    if (!set.has(execName)) throw new Error('no template to execute');
    return set.execute(execName, context, { missingkey });
  };

  const res: OracleResponse = { id };
  let set: TemplateSet;
  try {
    set = parse();
  } catch (err) {
    if (!isTemplateError(err)) throw err;
    return encode({ id, error: err.message, stage: 'parse' });
  }
  try {
    res.output = execute(set);
  } catch (err) {
    if (
      !isTemplateError(err) &&
      !(err instanceof Error && err.message === 'no template to execute')
    ) {
      throw err;
    }
    return encode({ id, error: (err as Error).message, stage: 'exec' });
  }
  const n = typeof req.bench === 'number' ? Math.floor(req.bench) : 0;
  if (n > 0) {
    let start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      try {
        execute(parse());
      } catch {
        // The first render succeeded; later ones may differ only through mutating functions.
      }
    }
    res.ns_per_op = Number((process.hrtime.bigint() - start) / BigInt(n));
    const parsed = parse();
    start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      try {
        execute(parsed);
      } catch {
        // as above
      }
    }
    res.exec_ns_per_op = Number((process.hrtime.bigint() - start) / BigInt(n));
  }
  return encode(res);
}

/** Reads requests line by line from `input` and writes one response line per request. */
export async function serveGotemplateProtocol(
  input: Readable,
  write: (line: string) => void,
): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '') continue;
    write(answerGotemplateRequest(line) + '\n');
  }
}

export function registerDebug(program: Command, ctx: CommandContext): void {
  const debug = program
    .command('debug')
    .description('developer tools for checking packsync against reference implementations');
  debug
    .command('gotemplate')
    .description(
      'render Go templates with our engine and Package Operator functions, speaking the ' +
        'gotemplate oracle JSON-lines protocol: one request per stdin line, one response per ' +
        'stdout line ({"id","templates"|"template","execute","context","missingkey","files",' +
        '"bench"} -> {"id","output"} or {"id","error","stage"}, plus ns_per_op and ' +
        'exec_ns_per_op when bench > 0); missingkey defaults to error',
    )
    .action(async () => {
      await serveGotemplateProtocol(process.stdin, (line) => ctx.io.stdout.write(line));
    });
}
