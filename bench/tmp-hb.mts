import { fork } from 'node:child_process';
import { Pool } from 'undici';
import { parse } from 'yaml';
const child = fork('/work/main/bench/revision-server-child.ts', [], { execArgv: ['--import', 'tsx'] }); console.error('forked');
const { kubeconfig } = await new Promise<any>((r) => child.once('message', r));
console.error('got kubeconfig'); const kc = parse(kubeconfig);
const url = kc.clusters[0].cluster.server; const token = kc.users[0].user.token;
const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
const pool = new Pool(url, { connections: 16, connect: { ca } });
const ask = (op: string) => new Promise<any>((r) => { child.once('message', r); child.send({ op }); });
async function run(name: string, n: number, mk: (i: number) => any) {
  const c0 = (await ask('cpu')).cpuSeconds; let i = 0;
  await Promise.all(Array.from({ length: 16 }, async () => { while (i < n) { const r = await pool.request(mk(i++)); await r.body.arrayBuffer(); if (r.statusCode >= 300) throw new Error(name + ' ' + r.statusCode); } }));
  const c1 = (await ask('cpu')).cpuSeconds;
  console.log(name.padEnd(30), ((c1 - c0) / n * 1e6).toFixed(0), 'µs server CPU/request');
}
const h = { authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': 'x' };
for (let round = 0; round < 2; round++) {
await run('GET /version', 5000, () => ({ method: 'GET', path: '/version', headers: h }));
await run('GET configmap 404', 5000, () => ({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/nope', headers: h }));
await run('POST event', 3000, (i) => ({ method: 'POST', path: '/api/v1/namespaces/default/events', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: `e${round}-${i}`, namespace: 'default' }, involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default', uid: 'u' }, type: 'Normal', reason: 'Succeeded', message: 'ObjectSet rolled out', count: 1, firstTimestamp: '2026-11-21T00:00:00Z', lastTimestamp: '2026-11-21T00:00:00Z', source: { component: 'packsync' }, reportingComponent: 'packsync', reportingInstance: '' }) }));
await run('PATCH configmap dry-run', 3000, (i) => ({ method: 'PATCH', path: `/api/v1/namespaces/default/configmaps/c${i}?fieldManager=packsync&force=true&dryRun=All`, headers: { ...h, 'content-type': 'application/apply-patch+yaml' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default', labels: { 'package-operator.run/cache': 'True' } }, data: { index: String(i) } }) }));
}
child.send({ op: 'stop' }); await pool.close(); process.exit(0);
