/**
 * `packsync manager --webhook-receiver-port`: a signed push webhook makes a ClusterGitSync sync at
 * once (its interval is an hour); a bad signature is refused with 401 and syncs nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crds } from '../../src/apis/index.js';
import { addManagerCommand } from '../../src/cli/commands/manager.js';
import type { CommandContext } from '../../src/cli/main.js';
import { buildControllerSetups } from '../../src/controllers/index.js';
import { signBody } from '../../src/git/index.js';
import { KubeClient, type KubeObject, waitForEstablished } from '../../src/kube/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { startGitServer, type GitServer } from '../helpers/git-server.js';
import { missingTools, warnSkip } from '../oci/registry-helper.js';
import { cgsRef, clusterGitSync, conditionOf, eventually, waitForSync } from './env.js';

const missing = await missingTools(['git']);
warnSkip('GitSync webhooks', missing);

describe.skipIf(missing.length > 0)('GitSync webhooks through the manager', () => {
  let server: RunningServer;
  let client: KubeClient;
  let git: GitServer;
  let dir: string;
  let stderr = '';
  let stopManager: () => void = () => undefined;
  let managerDone: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'packsync-webhook-'));
    server = await startServer();
    client = await KubeClient.fromKubeConfigString(server.kubeconfig);
    for (const crd of crds()) await client.create(crd as unknown as KubeObject);
    const names = crds().map((c) => c.metadata.name);
    const late = await waitForEstablished(client, names, { timeoutMs: 10_000 });
    if (late !== undefined) throw new Error(`CRD ${late} not established`);
    git = await startGitServer();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeconfig);
    const err = new PassThrough();
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const ctx: CommandContext = {
      io: { stdout: new PassThrough(), stderr: err },
      logger: () => pino({ level: 'silent' }),
    };
    const until = new Promise<void>((resolve) => (stopManager = resolve));
    const program = new Command('packsync').exitOverride();
    addManagerCommand(program, ctx, {
      // Its own Git cache: the default one in the temp dir outlives the run, and this server's
      // commits are reproducible, so a warm cache for a reused port would skip the fetch below.
      setups: buildControllerSetups({ gitSync: { cacheDir: join(dir, 'git-cache') } }),
      until: () => until,
      env: {},
    });
    managerDone = program.parseAsync([
      'node',
      'packsync',
      'manager',
      '--kubeconfig',
      kubeconfig,
      '--metrics-addr',
      '0',
      '--health-probe-bind-address',
      '0',
      '--webhook-receiver-port',
      '0',
      '--enable-leader-election=false',
    ]);
  }, 60_000);
  afterAll(async () => {
    stopManager();
    await managerDone;
    client?.close();
    await server?.stop();
    await git?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs at once on a signed push and answers 401 to a bad signature', async () => {
    const hooks = await eventually(
      () => /git webhooks (http:\/\/[^\s;]+)/.exec(stderr)?.[1],
      'the manager to start with its webhook receiver',
    );
    await git.createRepo('hooked');
    const cm = (v: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hooked, namespace: default}\ndata: {v: "${v}"}\n`;
    const c1 = await git.commit('hooked', { 'cm.yaml': cm('1') }, 'one');
    const secret = 'hook-s3cret';
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hooked-webhook', namespace: 'default' },
      stringData: { webhookSecret: secret },
    });
    await client.create(
      clusterGitSync('hooked', {
        url: git.repoUrl('hooked'),
        secretRef: { name: 'hooked-webhook', namespace: 'default' },
      }),
    );
    await waitForSync(client, cgsRef('hooked'), { reason: 'Synced', commit: c1 });
    git.clearRequests();

    const c2 = await git.commit('hooked', { 'cm.yaml': cm('2') }, 'two');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: c2 });
    const post = (signature: string) =>
      fetch(`${hooks}/hooks/github/_/hooked`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': signature,
        },
        body,
      });

    const forged = await post(signBody('not-the-secret', body));
    expect(forged.status).toBe(401);
    const unknown = await fetch(`${hooks}/hooks/github/_/nobody`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': signBody(secret, body) },
      body,
    });
    expect(unknown.status).toBe(404);

    const accepted = await post(signBody(secret, body));
    expect(accepted.status).toBe(202);
    const synced = await waitForSync(client, cgsRef('hooked'), {
      reason: 'Synced',
      commit: c2,
      revision: 2,
    });
    expect(conditionOf(synced, 'Ready')?.status).toBe('True');
    const live = await client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'hooked',
      namespace: 'default',
    });
    expect(live?.data).toEqual({ v: '2' });
    // Only the signed hook reached the remote: one resolve, then one fetch (its refs handshake and
    // the pack). A triggered forged hook would have added a resolve.
    expect(git.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /hooked.git/info/refs',
      'GET /hooked.git/info/refs',
      'POST /hooked.git/git-upload-pack',
    ]);
    expect(stderr).not.toContain(secret);
  }, 60_000);
});
