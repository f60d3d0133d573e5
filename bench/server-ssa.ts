// Benchmark of server-side apply over HTTPS: PATCH application/apply-patch+yaml of a ~200-line
// Deployment that already carries managedFields of several managers (issue goal: p50 < 3 ms).
// Run: npx tsx bench/server-ssa.ts   (prints figures; decides nothing)
import { Agent, request } from 'node:https';
import { stringify } from 'yaml';
import { startServer } from '../src/server/index.js';

function pct(xs: number[], p: number): string {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(2);
}

/** A Deployment whose YAML is about 200 lines: four containers with env, ports, probes, mounts. */
function deployment(ns: string, image: string, replicas: number): Record<string, unknown> {
  const container = (n: number): Record<string, unknown> => ({
    name: `c${n}`,
    image: `${image}-${n}`,
    args: ['--port', String(8080 + n), '--verbose'],
    ports: [
      { name: `http${n}`, containerPort: 8080 + n },
      { name: `metrics${n}`, containerPort: 9090 + n },
    ],
    env: Array.from({ length: 6 }, (_, i) => ({ name: `VAR_${n}_${i}`, value: `value-${i}` })),
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 + n }, periodSeconds: 5 },
    volumeMounts: [{ name: 'data', mountPath: `/data/${n}` }],
    imagePullPolicy: 'IfNotPresent',
    securityContext: { runAsNonRoot: true },
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'big',
      namespace: ns,
      labels: { app: 'big', tier: 'backend', team: 'bench' },
      annotations: { 'example.com/owner': 'bench' },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'big' } },
      template: {
        metadata: { labels: { app: 'big', tier: 'backend' } },
        spec: {
          serviceAccountName: 'default',
          containers: [0, 1, 2, 3].map(container),
          volumes: [
            { name: 'data', emptyDir: {} },
            { name: 'config', configMap: { name: 'big-config' } },
          ],
        },
      },
    },
  };
}

async function main(): Promise<void> {
  const server = await startServer({ simulator: false });
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: server.caCert });
  const call = (
    method: string,
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        new URL(path, server.url),
        {
          method,
          agent,
          headers: {
            authorization: `Bearer ${server.token}`,
            ...(body ? { 'content-type': contentType } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    const ns = 'bench';
    await call('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: ns } }));
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/big`;
    const apply = async (manager: string, obj: unknown, force = false): Promise<void> => {
      const r = await call(
        'PATCH',
        `${path}?fieldManager=${manager}&force=${String(force)}`,
        JSON.stringify(obj),
        'application/apply-patch+yaml',
      );
      if (r.status !== 200 && r.status !== 201) throw new Error(`apply: ${r.status} ${r.text}`);
    };
    const yamlLines = stringify(deployment(ns, 'img:1', 1)).split('\n').length;
    await apply('owner', deployment(ns, 'img:1', 1));
    // Further managers: a co-owner of the same config, an Update writer and a status writer.
    await apply('co-owner', deployment(ns, 'img:1', 1));
    await call(
      'PATCH',
      `${path}?fieldManager=labeller`,
      JSON.stringify({ metadata: { labels: { extra: 'x' } } }),
      'application/merge-patch+json',
    );
    await call(
      'PATCH',
      `${path}/status?fieldManager=controller`,
      JSON.stringify({ status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 } }),
      'application/merge-patch+json',
    );
    const live = JSON.parse((await call('GET', path)).text) as {
      metadata: { managedFields?: unknown[] };
    };
    console.log(
      `Deployment: ${yamlLines} YAML lines, ${live.metadata.managedFields?.length ?? 0} managedFields entries`,
    );

    const runs = async (what: string, n: number, fn: (i: number) => Promise<void>) => {
      for (let i = 0; i < 30; i++) await fn(i); // warm-up
      const xs: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await fn(i);
        xs.push(performance.now() - t);
      }
      // CPU time of this process (server and client) per request: steadier than wall time on a
      // loaded machine.
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = ((cpu.user + cpu.system) / 1000 / n).toFixed(2);
      console.log(
        `${what.padEnd(44)} p50 ${pct(xs, 50).padStart(6)} ms   p99 ${pct(xs, 99).padStart(6)} ms   cpu/op ${cpuMs.padStart(5)} ms   (n=${n})`,
      );
    };
    const n = 500;
    await runs('SSA PATCH, unchanged config (no-op)', n, () =>
      apply('owner', deployment(ns, 'img:1', 1)),
    );
    await runs('SSA PATCH, changing image and replicas', n, (i) =>
      apply('owner', deployment(ns, `img:${i % 2 === 0 ? 2 : 1}`, 1 + (i % 3)), true),
    );
    await runs('SSA PATCH, conflict answered with 409', n, async () => {
      const r = await call(
        'PATCH',
        `${path}?fieldManager=intruder&force=false`,
        JSON.stringify(deployment(ns, 'other', 9)),
        'application/apply-patch+yaml',
      );
      if (r.status !== 409) throw new Error(`expected 409, got ${r.status}`);
    });
    await runs('GET of the same Deployment (baseline)', n, async () => {
      await call('GET', path);
    });
  } finally {
    agent.destroy();
    await server.stop();
  }
}

await main();
