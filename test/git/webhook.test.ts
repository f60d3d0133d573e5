/**
 * The webhook receiver over real HTTP with real signatures: GitHub, GitLab and generic hooks, the
 * answers for bad input, and logs that never carry the secret or the signature.
 */
import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createWebhookHandler,
  signBody,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookTriggerInfo,
} from '../../src/git/index.js';

const secrets: Record<string, string> = {
  'team-a/app': 'gh-secret-1234567890',
  '_/platform': 'cluster-secret-abcdef',
};

describe('webhook receiver', () => {
  let receiver: WebhookReceiver;
  const triggered: { key: string; info: WebhookTriggerInfo }[] = [];
  const logs: string[] = [];
  const logger = {
    info: (obj: object, msg?: string) => logs.push(JSON.stringify({ ...obj, msg })),
    warn: (obj: object, msg?: string) => logs.push(JSON.stringify({ ...obj, msg })),
  };

  beforeAll(async () => {
    const handler = createWebhookHandler({
      lookup: (namespace, name) => {
        const secret = secrets[`${namespace}/${name}`];
        return Promise.resolve(secret === undefined ? undefined : { secret });
      },
      trigger: (namespace, name, info) => triggered.push({ key: `${namespace}/${name}`, info }),
      logger,
    });
    receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', handler });
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  const post = async (
    path: string,
    body: string,
    headers: Record<string, string>,
    method = 'POST',
  ): Promise<{ status: number; body: string }> => {
    const res = await fetch(`${receiver.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'POST' ? { body } : {}),
    });
    return { status: res.status, body: await res.text() };
  };

  const push = JSON.stringify({
    ref: 'refs/heads/main',
    after: '0123456789abcdef0123456789abcdef01234567',
    repository: { full_name: 'org/repo' },
  });

  it('triggers on a GitHub push with a valid signature and answers ping without triggering', async () => {
    triggered.length = 0;
    const sig = signBody(secrets['team-a/app'] as string, push);
    const res = await post('/hooks/github/team-a/app', push, {
      'x-hub-signature-256': sig,
      'x-github-event': 'push',
    });
    expect(res.status).toBe(202);
    expect(triggered).toEqual([
      {
        key: 'team-a/app',
        info: {
          provider: 'github',
          event: 'push',
          ref: 'refs/heads/main',
          commit: '0123456789abcdef0123456789abcdef01234567',
        },
      },
    ]);

    const ping = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const pong = await post('/hooks/github/team-a/app', ping, {
      'x-hub-signature-256': signBody(secrets['team-a/app'] as string, ping),
      'x-github-event': 'ping',
    });
    expect(pong.status).toBe(200);
    expect(triggered).toHaveLength(1);
  });

  it('rejects a bad or missing GitHub signature with 401 and does not trigger', async () => {
    triggered.length = 0;
    const wrongSecret = signBody('not-the-secret', push);
    const otherBody = signBody(secrets['team-a/app'] as string, `${push} `);
    const attempts: Record<string, string>[] = [
      { 'x-hub-signature-256': wrongSecret },
      { 'x-hub-signature-256': otherBody },
      { 'x-hub-signature-256': 'sha256=' },
      {},
    ];
    for (const headers of attempts) {
      const res = await post('/hooks/github/team-a/app', push, {
        ...headers,
        'x-github-event': 'push',
      });
      expect(res.status).toBe(401);
    }
    expect(triggered).toEqual([]);
  });

  it('checks the GitLab token and the generic HMAC; cluster-scoped hooks use namespace _', async () => {
    triggered.length = 0;
    const secret = secrets['_/platform'] as string;
    const ok = await post('/hooks/gitlab/_/platform', push, {
      'x-gitlab-token': secret,
      'x-gitlab-event': 'Push Hook',
    });
    expect(ok.status).toBe(202);
    const bad = await post('/hooks/gitlab/_/platform', push, { 'x-gitlab-token': `${secret}x` });
    expect(bad.status).toBe(401);

    const body = 'anything, not even JSON';
    const gen = await post('/hooks/generic/_/platform', body, {
      'x-signature': signBody(secret, body),
    });
    expect(gen.status).toBe(202);
    const genBad = await post('/hooks/generic/_/platform', body, {
      'x-signature': signBody(secret, 'another body'),
    });
    expect(genBad.status).toBe(401);
    expect(triggered.map((t) => [t.key, t.info.provider])).toEqual([
      ['_/platform', 'gitlab'],
      ['_/platform', 'generic'],
    ]);
    expect(triggered[0]?.info.event).toBe('Push Hook');
  });

  it('answers 404 for unknown GitSyncs and routes, 405 for GET, 413 over 1 MiB', async () => {
    const sig = signBody('whatever', push);
    expect(
      (await post('/hooks/github/team-a/nope', push, { 'x-hub-signature-256': sig })).status,
    ).toBe(404);
    expect((await post('/hooks/bitbucket/team-a/app', push, {})).status).toBe(404);
    expect((await post('/elsewhere', push, {})).status).toBe(404);
    const get = await fetch(`${receiver.url}/hooks/github/team-a/app`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');

    const big = 'x'.repeat(1024 * 1024 + 1);
    expect(
      (await post('/hooks/github/team-a/app', big, { 'x-hub-signature-256': signBody('s', big) }))
        .status,
    ).toBe(413);
    // Without a Content-Length (chunked), the limit holds while streaming.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${receiver.url}/hooks/github/team-a/app`,
        { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = 'y'.repeat(64 * 1024);
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it('never logs a secret or a signature', () => {
    const joined = logs.join('\n');
    expect(logs.length).toBeGreaterThan(5);
    for (const secret of Object.values(secrets)) expect(joined).not.toContain(secret);
    expect(joined).not.toMatch(/sha256=[0-9a-f]{8}/);
  });
});
