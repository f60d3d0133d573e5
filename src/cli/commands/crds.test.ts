import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { main } from '../main.js';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  return { io: { stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}

const repoCrds = path.resolve(import.meta.dirname, '..', '..', '..', 'crds');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('packsync crds', () => {
  it('prints every CRD as one YAML stream, the committed crds/ files in order', async () => {
    const c = capture();
    expect(await main(['node', 'packsync', 'crds'], c.io)).toBe(0);
    const files = readdirSync(repoCrds).sort();
    expect(c.out()).toBe(files.map((f) => readFileSync(path.join(repoCrds, f), 'utf8')).join(''));
    const docs = parseAllDocuments(c.out());
    expect(docs).toHaveLength(14);
    for (const d of docs) {
      expect(d.errors).toEqual([]);
      expect(d.get('kind')).toBe('CustomResourceDefinition');
    }
    expect(c.err()).toBe('');
  });

  it('writes one file per CRD with --output-dir', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'packsync-crds-'));
    dirs.push(dir);
    const out = path.join(dir, 'nested', 'crds');
    const c = capture();
    expect(await main(['node', 'packsync', 'crds', '--output-dir', out], c.io)).toBe(0);
    expect(c.out()).toBe(`wrote 14 CRDs to ${out}\n`);
    const written = readdirSync(out).sort();
    expect(written).toEqual(readdirSync(repoCrds).sort());
    for (const f of written) {
      expect(readFileSync(path.join(out, f), 'utf8')).toBe(
        readFileSync(path.join(repoCrds, f), 'utf8'),
      );
    }
  });

  it('reports an unwritable output folder as a user error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'packsync-crds-'));
    dirs.push(dir);
    const blocker = path.join(dir, 'file');
    writeFileSync(blocker, 'not a folder');
    const c = capture();
    expect(await main(['node', 'packsync', 'crds', '-o', blocker], c.io)).toBe(1);
    expect(c.err()).toMatch(new RegExp(`^Error: writing CRDs to ${blocker}: `));
  });

  it('explains itself in --help', async () => {
    const c = capture();
    expect(await main(['node', 'packsync', 'crds', '--help'], c.io)).toBe(0);
    expect(c.out()).toContain('packsync crds | kubectl apply -f -');
    expect(c.out()).toContain('--output-dir <dir>');
  });
});
