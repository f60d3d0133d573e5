/**
 * Shared setup for the diff and preview tests: the `webapp` package image (v1, and v2 with a new
 * container image) pushed to a real registry, desired-state repository files, and Git
 * repositories made with the git CLI (fixed dates and authors, so commit ids are stable).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildPackageImage, RegistryClient } from '../../src/oci/index.js';
import { importFolder } from '../../src/packages/index.js';

const run = promisify(execFile);

export const webappFixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/webapp');

/** Pushes `webapp:v1` and `webapp:v2` (container image nginx:1.26 and a `tier` label). */
export async function pushWebapp(host: string): Promise<{ v1: string; v2: string }> {
  const raw = await importFolder(webappFixture);
  const client = new RegistryClient({ insecure: true });
  const v1 = `${host}/packages/webapp:v1`;
  const v2 = `${host}/packages/webapp:v2`;
  await client.pushImage(v1, await buildPackageImage(raw.files));
  const files = new Map(raw.files);
  const deploy = new TextDecoder().decode(files.get('deploy.yaml.gotmpl'));
  files.set(
    'deploy.yaml.gotmpl',
    new TextEncoder().encode(
      deploy
        .replace('image: nginx:1.25', 'image: nginx:1.26')
        .replace(
          '        app: {{ .package.metadata.name }}\n    spec:',
          '        app: {{ .package.metadata.name }}\n        tier: web\n    spec:',
        ),
    ),
  );
  await client.pushImage(v2, await buildPackageImage(files));
  return { v1, v2 };
}

export function namespaceYaml(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

export function packageYaml(
  ns: string,
  name: string,
  image: string,
  config: Record<string, unknown>,
): string {
  const cfg = Object.entries(config)
    .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`)
    .join('');
  return `apiVersion: package-operator.run/v1alpha1\nkind: Package\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  image: ${image}\n  config:\n${cfg}`;
}

export function configMapYaml(ns: string, name: string, data: Record<string, string>): string {
  const d = Object.entries(data)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}\n`)
    .join('');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n${d}`;
}

export function secretYaml(ns: string, name: string, data: Record<string, string>): string {
  const d = Object.entries(data)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}\n`)
    .join('');
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nstringData:\n${d}`;
}

/** Writes `files` (path -> text) under `dir`, replacing what was there. */
export function writeTree(dir: string, files: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `packsync-${prefix}-`));
}

const gitEnv = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

export async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    env: { ...process.env, ...gitEnv },
  });
  return stdout.trim();
}

/** A Git repository whose branch `main` holds `base`; each of `branches` is `main` plus its files. */
export async function gitRepo(
  base: Record<string, string>,
  branches: Record<string, { path: string; files: Record<string, string> }> = {},
  path = 'fleet',
): Promise<string> {
  const dir = tempDir('repo');
  await git(dir, 'init', '-q');
  writeTree(join(dir, path), base);
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'base');
  for (const [branch, b] of Object.entries(branches)) {
    await git(dir, 'checkout', '-q', '-b', branch, 'main');
    writeTree(join(dir, b.path), b.files);
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', branch);
    await git(dir, 'checkout', '-q', 'main');
  }
  return dir;
}
