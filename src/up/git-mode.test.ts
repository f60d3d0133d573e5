import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import type { KubeObject } from '../kube/index.js';
import {
  findWorkTree,
  gitSyncLine,
  gitSyncName,
  isDesiredStateFolder,
  readHead,
  scanDesiredState,
  upMode,
} from './git-mode.js';

const examples = resolve(import.meta.dirname, '../../examples');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder tree from `path -> content`. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'packsync-git-mode-'));
  dirs.push(root);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

const manifest = 'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\n';
const pkg = (image: string): string =>
  `apiVersion: package-operator.run/v1alpha1\nkind: Package\nmetadata: {name: a, namespace: a}\nspec:\n  image: ${image}\n`;

describe('upMode', () => {
  it('deploys a desired state in a Git work tree from Git, a folder of packages as before', async () => {
    const root = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'clusters/local/manifest.yaml': manifest,
      'clusters/local/apps/a.yaml.gotmpl': pkg('packsync.local/pkgs/a:v1'),
      'plain/a.yaml': pkg('quay.io/x/a:v1'),
      'pkgs/a/manifest.yaml': manifest,
      'pkgs/objects.yaml': pkg('packsync.local/a'),
      'pkgs/a/deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    });
    expect(await upMode('clusters/local', { cwd: root })).toEqual({
      mode: 'git',
      workTree: { root, gitdir: join(root, '.git'), commondir: join(root, '.git') },
    });
    // A plain folder of Package objects (default layout) is a desired state too.
    expect((await upMode(join(root, 'plain'))).mode).toBe('git');
    // A folder holding package folders, or a package without Package objects, stays a folder.
    expect((await upMode('pkgs', { cwd: root })).mode).toBe('folder');
    expect((await upMode('pkgs/a', { cwd: root })).mode).toBe('folder');
    expect((await upMode('clusters/local', { cwd: root, git: false })).mode).toBe('folder');
    expect((await upMode('pkgs', { cwd: root, git: true })).mode).toBe('git');
    // A missing folder is left to folder mode, which names it.
    expect((await upMode('nope', { cwd: root })).mode).toBe('folder');
  });

  it('needs a work tree for Git mode', async () => {
    const root = tree({ 'state/a.yaml': pkg('quay.io/x/a:v1') });
    // tmpdir is not inside a work tree on any sane machine; skip the check if it is.
    if ((await findWorkTree(root)) !== undefined) return;
    expect((await upMode(join(root, 'state'))).mode).toBe('folder');
    await expect(upMode(join(root, 'state'), { git: true })).rejects.toThrow(UserError);
    await expect(upMode(join(root, 'state'), { git: true })).rejects.toThrow(
      /--git: not inside a Git work tree/,
    );
  });

  it('skips only real desired states in folder mode', async () => {
    expect(await isDesiredStateFolder(join(examples, 'desired-state'))).toBe(true);
    expect(await isDesiredStateFolder(join(examples, 'multi-component'))).toBe(false);
    expect(await isDesiredStateFolder(join(examples, 'app'))).toBe(false);
  });
});

describe('work tree and HEAD', () => {
  it('follows a .git file to a linked worktree and its common dir', async () => {
    const root = tree({
      'main/.git/HEAD': 'ref: refs/heads/main\n',
      'main/.git/worktrees/wt/HEAD': '0123456789abcdef0123456789abcdef01234567\n',
      'main/.git/worktrees/wt/commondir': '../..\n',
      'wt/.git': 'gitdir: ../main/.git/worktrees/wt\n',
      'wt/sub/x.yaml': '',
    });
    const wt = await findWorkTree(join(root, 'wt/sub'));
    expect(wt).toEqual({
      root: join(root, 'wt'),
      gitdir: join(root, 'main/.git/worktrees/wt'),
      commondir: join(root, 'main/.git'),
    });
    expect(await readHead(wt!)).toEqual({ commit: '0123456789abcdef0123456789abcdef01234567' });
    const main = await findWorkTree(join(root, 'main'));
    expect(await readHead(main!)).toEqual({ branch: 'main' });
  });

  it('names the GitSync after the desired state folder', () => {
    const wt = { root: '/r/My Repo', gitdir: '/r/My Repo/.git', commondir: '/r/My Repo/.git' };
    expect(gitSyncName(wt, '/r/My Repo/clusters/Local_Dev')).toBe('local-dev');
    expect(gitSyncName(wt, '/r/My Repo')).toBe('my-repo');
  });
});

describe('scanDesiredState', () => {
  it('collects the local images and tags named in objects and templates', async () => {
    const root = tree({
      'a.yaml': pkg('packsync.local/examples/app:v1'),
      'b/c.yaml.gotmpl': `${pkg('packsync.local/examples/app:v2')}---\n${pkg('packsync.local/op')}`,
      'd.txt': pkg('packsync.local/ignored:v1'),
    });
    const scan = await scanDesiredState(root);
    expect(scan.hasPackageObjects).toBe(true);
    expect(scan.hasPackageFolders).toBe(false);
    expect(scan.localImages).toEqual(
      new Map([
        ['examples/app', new Set(['v1', 'v2'])],
        ['op', new Set(['latest'])],
      ]),
    );
  });
});

describe('gitSyncLine', () => {
  const gs = (status: Record<string, unknown>): KubeObject => ({
    apiVersion: 'packsync.dev/v1alpha1',
    kind: 'ClusterGitSync',
    metadata: { name: 'local' },
    status,
  });
  const sha1 = 'a'.repeat(40);
  const sha2 = 'b'.repeat(40);

  it('shows commit, revision and Ready', () => {
    expect(gitSyncLine(gs({}))).toBeUndefined();
    expect(
      gitSyncLine(
        gs({
          lastAttemptedCommit: sha1,
          lastAppliedCommit: sha1,
          revision: 2,
          conditions: [{ type: 'Ready', status: 'True', reason: 'Synced', message: 'ok' }],
        }),
      ),
    ).toBe('ClusterGitSync local: revision 2, commit aaaaaaa: Ready=True (Synced)');
    // While it rolls out, the package lines say why; the commit's subject when known.
    expect(
      gitSyncLine(
        gs({
          lastAttemptedCommit: sha2,
          lastAppliedCommit: sha2,
          revision: 3,
          conditions: [{ type: 'Ready', status: 'False', reason: 'Progressing', message: 'x' }],
        }),
        (c) => (c === sha2 ? 'shop: more replicas' : undefined),
      ),
    ).toBe(
      'ClusterGitSync local: revision 3, commit bbbbbbb "shop: more replicas": Ready=False (Progressing)',
    );
    expect(
      gitSyncLine(
        gs({
          lastAttemptedCommit: sha1,
          conditions: [{ type: 'Ready', status: 'False', reason: 'FetchFailed', message: 'gone' }],
        }),
      ),
    ).toBe('ClusterGitSync local: commit aaaaaaa: Ready=False (FetchFailed): gone');
  });

  it('says a refused commit leaves the last good revision running, and why', () => {
    expect(
      gitSyncLine(
        gs({
          lastAttemptedCommit: sha2,
          lastAppliedCommit: sha1,
          revision: 1,
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'ValidationFailed',
              message:
                'commit bbbbbbb refused, the last good revision keeps running: apps/a.yaml: bad',
            },
          ],
        }),
      ),
    ).toBe(
      'ClusterGitSync local: commit bbbbbbb refused, revision 1 (commit aaaaaaa) keeps running: ' +
        'Ready=False (ValidationFailed): apps/a.yaml: bad',
    );
  });
});
