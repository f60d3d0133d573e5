/**
 * Writes `crds/` from the kind registry (`npm run crds:generate`): one file per CRD, stale files removed.
 * A test checks that the committed files equal this output byte for byte.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { crdFiles } from '../src/apis/index.js';

const dir = path.resolve(import.meta.dirname, '..', 'crds');
mkdirSync(dir, { recursive: true });
const files = crdFiles();
const wanted = new Set(files.map((f) => f.filename));
for (const name of readdirSync(dir)) {
  if (name.endsWith('.yaml') && !wanted.has(name)) rmSync(path.join(dir, name));
}
for (const f of files) writeFileSync(path.join(dir, f.filename), f.content);
process.stdout.write(`wrote ${files.length} CRDs to ${path.relative(process.cwd(), dir) || '.'}\n`);
