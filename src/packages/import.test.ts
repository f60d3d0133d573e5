import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles, importFolder } from './import.js';

const conformance = resolve(import.meta.dirname, '../../../shared/conformance');
const tmp = mkdtempSync(join(tmpdir(), 'packsync-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('importFolder', () => {
  it('skips dot files and dot folders at any depth (PKO packageimport fixture)', async () => {
    const raw = await importFolder(
      join(conformance, 'pko-repo/internal/packages/internal/packageimport/testdata/fs'),
    );
    const paths = [...raw.files.keys()];
    expect(paths).toContain('file1.yaml');
    expect(paths).toContain('my-stuff.txt');
    expect(paths.some((p) => p.split('/').some((s) => s.startsWith('.')))).toBe(false);
  });

  it('never follows symbolic links, to files or folders', async () => {
    const outside = join(tmp, 'outside');
    mkdirSync(join(outside, 'dir'), { recursive: true });
    writeFileSync(join(outside, 'secret.yaml'), 'secret: 1\n');
    writeFileSync(join(outside, 'dir', 'x.yaml'), 'x: 1\n');
    const pkg = join(tmp, 'pkg');
    mkdirSync(join(pkg, 'sub', '.hidden'), { recursive: true });
    writeFileSync(join(pkg, 'manifest.yaml'), 'a: 1\n');
    writeFileSync(join(pkg, 'sub', 'obj.yaml'), 'b: 2\n');
    writeFileSync(join(pkg, 'sub', '.hidden', 'h.yaml'), 'c: 3\n');
    symlinkSync(join(outside, 'secret.yaml'), join(pkg, 'link.yaml'));
    symlinkSync(join(outside, 'dir'), join(pkg, 'linkdir'));
    const raw = await importFolder(pkg);
    expect([...raw.files.keys()]).toEqual(['manifest.yaml', 'sub/obj.yaml']);
    // The folder given may itself be a link; its content is read with the same rules.
    symlinkSync(pkg, join(tmp, 'pkg-link'));
    expect([...(await importFolder(join(tmp, 'pkg-link'))).files.keys()]).toEqual([
      'manifest.yaml',
      'sub/obj.yaml',
    ]);
    expect(new TextDecoder().decode(raw.files.get('sub/obj.yaml'))).toBe('b: 2\n');
  });

  it('reports a missing folder as a user error', async () => {
    await expect(importFolder(join(tmp, 'does-not-exist'))).rejects.toThrow(
      /^loading package from folder: ENOENT: no such file or directory/,
    );
  });
});

describe('importFiles', () => {
  it('normalises paths and leaves out dot segments', () => {
    const raw = importFiles({
      './manifest.yaml': 'a',
      'x//y.yaml': 'b',
      '.git/config': 'c',
      'sub/.test-fixtures/t/a.yaml': 'd',
    });
    expect([...raw.files.keys()]).toEqual(['manifest.yaml', 'x/y.yaml']);
  });

  it('rejects paths that leave the package', () => {
    expect(() => importFiles({ '../evil.yaml': 'x' })).toThrow(/leaves the package/);
  });
});
