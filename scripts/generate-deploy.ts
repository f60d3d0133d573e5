/**
 * Writes the generated parts of `deploy/` (see scripts/deploy-files.ts): first the package's CRD
 * files, then the plain manifests rendered from the package. Stale generated files are removed.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  deployDir,
  packageCrdFiles,
  plainDeployFiles,
  type GeneratedFile,
} from './deploy-files.js';

function write(files: GeneratedFile[], dir: string, stale: (name: string) => boolean): void {
  mkdirSync(dir, { recursive: true });
  const wanted = new Set(files.map((f) => path.join(deployDir, f.path)));
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (stale(name) && !wanted.has(full)) rmSync(full);
  }
  for (const f of files) writeFileSync(path.join(deployDir, f.path), f.content);
}

write(packageCrdFiles(), path.join(deployDir, 'package', 'crds'), (n) => n.endsWith('.yaml'));
const plain = await plainDeployFiles();
write(
  plain.filter((f) => !f.path.includes('/')),
  deployDir,
  (n) => /^\d\d-.*\.yaml$/.test(n),
);
write(
  plain.filter((f) => f.path.startsWith('webhook/')),
  path.join(deployDir, 'webhook'),
  (n) => n.endsWith('.yaml'),
);
process.stdout.write(`wrote ${plain.length} files to deploy/ and the package CRDs\n`);
