// What the revision engine asks of the API server, from the server's request log: a new object
// costs one dry-run and one apply (the dry-run's answer says whether it exists), an unchanged
// phase costs nothing, a failed dry-run writes nothing, and each status is written once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PKO,
  cm,
  conditionOf,
  freshNamespace,
  objectSet,
  resync,
  settled,
  startRevisionEnv,
  waitForCondition,
  writesSince,
  type RevisionEnv,
} from './revision-helpers.js';

let env: RevisionEnv;
beforeAll(async () => {
  env = await startRevisionEnv();
});
afterAll(async () => {
  await env.stop();
});

/** Requests since `from` whose path is under `prefix`, as `METHOD path[ (dry-run)]`. */
function requestsUnder(from: number, prefix: string): string[] {
  return env.server
    .requests()
    .slice(from)
    .filter((r) => r.path.startsWith(prefix))
    .map((r) => `${r.method} ${r.path.slice(prefix.length)}${r.dryRun ? ' (dry-run)' : ''}`)
    .sort();
}

describe('revision engine requests', () => {
  it('a new phase costs one dry-run and one apply per object; an unchanged phase costs no request', async () => {
    const ns = await freshNamespace(env.client, 'req');
    const from = env.server.requests().length;
    await env.client.create(
      objectSet(ns, 'three', [
        { name: 'p', objects: [{ object: cm('a') }, { object: cm('b') }, { object: cm('c') }] },
      ]),
    );
    await waitForCondition(
      env.client,
      { apiVersion: PKO, kind: 'ObjectSet', namespace: ns, name: 'three' },
      'Available',
      'True',
    );
    await settled(env);
    expect(requestsUnder(from, `/api/v1/namespaces/${ns}/configmaps/`)).toEqual([
      'PATCH a',
      'PATCH a (dry-run)',
      'PATCH b',
      'PATCH b (dry-run)',
      'PATCH c',
      'PATCH c (dry-run)',
    ]);
    const sets = `/apis/package-operator.run/v1alpha1/namespaces/${ns}/objectsets/`;
    expect(requestsUnder(from, sets).filter((r) => r.startsWith('PUT'))).toEqual([
      'PUT three/status',
    ]);

    const again = env.server.requests().length;
    await resync(env);
    expect(requestsUnder(again, `/api/v1/namespaces/${ns}/`)).toEqual([]);
    expect(writesSince(env.server, again)).toEqual([]);
  });

  it('a failed dry-run blocks the phase and writes none of its objects', async () => {
    const ns = await freshNamespace(env.client, 'req');
    const from = env.server.requests().length;
    await env.client.create(
      objectSet(ns, 'bad', [
        { name: 'p', objects: [{ object: cm('good') }, { object: cm('Bad_Name') }] },
      ]),
    );
    const os = await waitForCondition(
      env.client,
      { apiVersion: PKO, kind: 'ObjectSet', namespace: ns, name: 'bad' },
      'Available',
      'False',
      'PreflightError',
    );
    expect(conditionOf(os, 'Available')?.message).toContain(
      `Phase "p", /v1, Kind=ConfigMap ${ns}/Bad_Name:`,
    );
    await settled(env);
    const writes = requestsUnder(from, `/api/v1/namespaces/${ns}/configmaps/`).filter(
      (r) => !r.startsWith('GET') && !r.endsWith('(dry-run)'),
    );
    expect(writes).toEqual([]);
    expect(
      await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'good' }),
    ).toBeUndefined();
  });

  it('an ObjectDeployment rollout writes its ObjectSet once and each status once', async () => {
    const ns = await freshNamespace(env.client, 'req');
    const from = env.server.requests().length;
    await env.client.create({
      apiVersion: PKO,
      kind: 'ObjectDeployment',
      metadata: { name: 'app', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: {
          metadata: { labels: { app: 'a' } },
          spec: { phases: [{ name: 'p', objects: [{ object: cm('conf', { k: 'v' }) }] }] },
        },
      },
    });
    const od = await waitForCondition(
      env.client,
      { apiVersion: PKO, kind: 'ObjectDeployment', namespace: ns, name: 'app' },
      'Available',
      'True',
    );
    await settled(env);
    const hash = (od.status as { templateHash: string }).templateHash;
    const writes = writesSince(env.server, from)
      .filter((w) => !w.path.includes('/events'))
      .map((w) => {
        const dry = (w as { dryRun?: boolean }).dryRun === true ? ' (dry-run)' : '';
        return `${w.method} ${w.path.split(`/namespaces/${ns}/`)[1] ?? w.path}${dry}`;
      })
      .sort();
    expect(writes).toEqual([
      'PATCH configmaps/conf',
      'PATCH configmaps/conf (dry-run)',
      'POST objectdeployments',
      'POST objectsets',
      'PUT objectdeployments/app/status',
      `PUT objectsets/app-${hash}/status`,
    ]);
  });
});
