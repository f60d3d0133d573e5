/**
 * `packsync repo`: the `repo` cases of `../shared/conformance/cli-expectations.yaml`. The argument
 * cases run as they are (none may create `foobar.yaml`); the `repo/run-*` steps run in order
 * against real Debian `docker-registry` instances on 127.0.0.1 standing in for the REPO CASES
 * registries (plain HTTP, and one with htpasswd auth), seeded with package images of test-stub and
 * test-stub-multi and an ordinary (non-package) image. Cases needing the internet are left out.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { buildPackageImage, mediaTypes, RegistryClient } from '../../src/oci/index.js';
import { assembleImage, sha256Digest } from '../../src/oci/index.js';
import { gzipDeterministic, writeTar } from '../../src/oci/tar.js';
import { importFolder } from '../../src/packages/index.js';
import { parseRepository, repositoryEntries } from '../../src/packages/repository.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';

const conformanceDir = resolve(import.meta.dirname, '../../../shared/conformance');
const stubs = join(conformanceDir, 'pko-repo/config/packages');

interface Case {
  id: string;
  command: string | null;
  args: string[];
  exit_code: number;
  stdout_lines: string[];
  stderr_lines: string[];
  regex: boolean;
  requires: string[];
}

const repoCases = (
  parse(readFileSync(join(conformanceDir, 'cli-expectations.yaml'), 'utf8')) as Case[]
).filter((c) => c.command === 'repo');
const argCases = repoCases.filter((c) => c.requires.length === 0);
const runCases = repoCases.filter((c) => c.id.startsWith('repo/run-'));

async function run(args: readonly string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(['node', 'packsync', ...args], { stdout, stderr });
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

function expectInOrder(text: string, lines: readonly string[]): void {
  let pos = 0;
  for (const line of lines) {
    const idx = text.slice(pos).indexOf(line);
    expect(idx, `${JSON.stringify(line)} in:\n${text}`).toBeGreaterThanOrEqual(0);
    pos += idx + line.length;
  }
}

async function runCase(c: Case, subst: (a: string) => string = (a) => a): Promise<void> {
  const r = await run([c.command ?? '', ...c.args.map(subst)]);
  expect(r.code, `stdout:\n${r.out}\nstderr:\n${r.err}`).toBe(c.exit_code);
  expectInOrder(r.out, c.stdout_lines);
  expectInOrder(r.err, c.stderr_lines);
}

describe('conformance: repo argument handling', () => {
  it('has the argument cases', () => {
    expect(argCases.length).toBe(25);
  });
  for (const c of argCases) {
    it(c.id, async () => {
      expect(existsSync('foobar.yaml')).toBe(false);
      await runCase(c);
      expect(existsSync('foobar.yaml')).toBe(false);
    });
  }
});

const missing = await missingTools(['docker-registry', 'htpasswd']);
warnSkip('repo registry cases', missing);

/** An ordinary container image: its files are not under `package/`. */
async function containerImage() {
  const tar = await writeTar([{ path: 'bin/hello', data: Buffer.from('#!/bin/sh\necho hi\n') }]);
  const layer = gzipDeterministic(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/hello'] },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    }),
  );
  const cd = { mediaType: mediaTypes.ociConfig, size: config.length, digest: sha256Digest(config) };
  const ld = {
    mediaType: mediaTypes.ociLayerGzip,
    size: layer.length,
    digest: sha256Digest(layer),
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: cd,
      layers: [ld],
    }),
  );
  return assembleImage(manifest, (d) => (d.digest === cd.digest ? config : layer));
}

describe.skipIf(missing.length > 0)('conformance: repo against registries', () => {
  let plain: RunningRegistry;
  let auth: RunningRegistry;
  let tmp: string;
  const version = 'v0.0.1-test';
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    plain = await startRegistry();
    auth = await startRegistry({ htpasswd: { username: 'user', password: 'secret' } });
    tmp = mkdtempSync(join(tmpdir(), 'packsync-repo-'));
    const client = new RegistryClient({ insecure: true });
    for (const name of ['test-stub', 'test-stub-multi']) {
      const raw = await importFolder(join(stubs, name));
      const pushed = await client.pushImage(
        `${plain.host}/package-operator/${name}-package:${version}`,
        await buildPackageImage(raw.files),
      );
      digests[name] = pushed.digest.replace(/^sha256:/, '');
    }
    await client.pushImage(
      `${plain.host}/package-operator/test-stub:${version}`,
      await containerImage(),
    );
  });
  afterAll(async () => {
    await plain?.stop();
    await auth?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const subst = (a: string) =>
    a
      .replaceAll('{tmp}', tmp)
      .replaceAll('{plain_registry}', plain.host)
      .replaceAll('{auth_registry}', auth.host)
      .replaceAll('{version}', version);

  it('has the nine run steps', () => {
    expect(runCases.map((c) => c.id)).toHaveLength(9);
  });

  for (const c of runCases) {
    it(c.id, async () => {
      await runCase(c, subst);
      if (
        c.id === 'repo/run-05-add-non-package-image' ||
        c.id === 'repo/run-08-remove-non-package-image'
      ) {
        const repo = parseRepository(readFileSync(join(tmp, 'repo.yaml'), 'utf8'));
        expect(repo.name).toBe('test-repo');
        const entries = repositoryEntries(repo).map((e) => [e.name, e.digest, e.versions]);
        const stub = ['test-stub', digests['test-stub'], ['v1.1.0', 'v1.0.0']];
        const multi = ['test-stub-multi', digests['test-stub-multi'], ['v1.0.0']];
        expect(entries).toEqual(c.id.includes('run-05') ? [stub, multi] : [stub]);
      }
    });
  }

  it('push then pull round-trips the index through the registry', async () => {
    const file = join(tmp, 'repo.yaml');
    const tag = `${plain.host}/package-operator/repo-index:v1`;
    const pushed = await run(['repo', 'push', file, tag]);
    expect(pushed.code, pushed.err).toBe(0);
    const copy = join(tmp, 'pulled.yaml');
    const pulled = await run(['repo', 'pull', copy, tag]);
    expect(pulled.code, pulled.err).toBe(0);
    const a = parseRepository(readFileSync(file, 'utf8'));
    const b = parseRepository(readFileSync(copy, 'utf8'));
    expect(repositoryEntries(b)).toEqual(repositoryEntries(a));
    expect(b.name).toBe('test-repo');
    const notRepo = await run([
      'repo',
      'pull',
      copy,
      `${plain.host}/package-operator/test-stub:${version}`,
    ]);
    expect(notRepo.err).toContain('image does not contain repository');
  });

  it('a version already held by another digest of the package is refused', async () => {
    const file = join(tmp, 'repo.yaml');
    const other = `${plain.host}/package-operator/test-stub-package:relabelled`;
    const raw = await importFolder(join(stubs, 'test-stub'));
    const image = await buildPackageImage(raw.files, { labels: { rebuilt: 'yes' } });
    await new RegistryClient({ insecure: true }).pushImage(other, image);
    const clash = await run(['repo', 'add', file, other, '1.0.0']);
    expect(clash.code).toBe(1);
    expect(clash.err).toContain('add new entry: package "test-stub" version v1.0.0 already exists');
    const ok = await run(['repo', 'add', file, other, '2.0.0']);
    expect(ok.code, ok.err).toBe(0);
    const entries = repositoryEntries(parseRepository(readFileSync(file, 'utf8')));
    expect(entries.map((e) => [e.digest, e.versions])).toEqual([
      [image.digest.replace(/^sha256:/, ''), ['v2.0.0']],
      [digests['test-stub'], ['v1.1.0', 'v1.0.0']],
    ]);
  });
});
