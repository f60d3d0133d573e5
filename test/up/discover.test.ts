// What `packsync up DIR` finds in a folder tree.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/up/index.js';

const manifest =
  'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\nmetadata:\n  name: x\n';

describe('discover', () => {
  let dir: string;
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const shown = (abs: string) => relative(dir, abs);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'packsync-discover-'));
    write('app/manifest.yaml', manifest);
    write(
      'app/deploy/objects.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inside\n',
    );
    write('team/api/manifest.yml', manifest);
    write('with space/manifest.yaml', manifest);
    write('.hidden/manifest.yaml', manifest);
    write('node_modules/dep/manifest.yaml', manifest);
    write(
      'packages.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n---\n# empty\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
    );
    write('more/broken.yml', 'a: [1, 2\n');
    write('notes.txt', 'not yaml');
    mkdirSync(join(dir, 'elsewhere'));
    write('elsewhere/linked/manifest.yaml', manifest);
    symlinkSync(join(dir, 'elsewhere/linked'), join(dir, 'link'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds package folders (not inside them, not hidden, not behind links) and the objects beside them', async () => {
    const d = await discover(dir, shown);
    expect(d.packages.map((p) => [p.path, p.repository, p.manifestShown])).toEqual([
      ['app', 'app', 'app/manifest.yaml'],
      ['elsewhere/linked', 'elsewhere/linked', 'elsewhere/linked/manifest.yaml'],
      ['team/api', 'team/api', 'team/api/manifest.yml'],
    ]);
    expect(d.objects.map((o) => [o.file, o.index, o.object.kind])).toEqual([
      ['packages.yaml', 0, 'Namespace'],
    ]);
    expect(d.problems.map((p) => p.file)).toEqual([
      'with space/manifest.yaml',
      'more/broken.yml',
      'packages.yaml',
    ]);
    expect(d.problems[0]?.message).toContain(
      'package folder "with space" cannot be an image repository name',
    );
    expect(d.problems[1]?.message).toMatch(/^document 0: /);
    expect(d.problems[2]?.message).toBe('document 2: metadata.name missing');
  });

  it('treats DIR itself as one package when it holds a manifest', async () => {
    const d = await discover(join(dir, 'app'), shown);
    expect(d.packages.map((p) => [p.path, p.repository])).toEqual([['.', 'app']]);
    expect(d.objects).toEqual([]);
  });

  it('names a missing folder', async () => {
    await expect(discover(join(dir, 'nope'))).rejects.toThrow(/nope: no such directory/);
  });
});
