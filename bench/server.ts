// Benchmark of the embedded API server over HTTPS: latencies, create throughput, memory, restart.
// Run: npx tsx bench/server.ts   (prints figures; decides nothing)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server/index.js';

interface Endpoint {
  url: string;
  caCert: string | undefined;
  token: string;
}

function child(dataDir = ''): Promise<{ proc: ChildProcess; ep: Endpoint }> {
  const proc = fork(join(import.meta.dirname, 'server-child.ts'), [dataDir], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ proc, ep: m as Endpoint }));
    proc.once('exit', (code) => reject(new Error(`server child exited with ${String(code)}`)));
  });
}

function ask(proc: ChildProcess): Promise<{ rss: number; heap: number; objects: number }> {
  return new Promise((resolve) => {
    proc.once('message', (m) => resolve(m as { rss: number; heap: number; objects: number }));
    proc.send('rss');
  });
}

function stopChild(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.send('stop');
  });
}

interface Client {
  call(
    method: string,
    path: string,
    body?: string,
    contentType?: string,
  ): Promise<{ status: number; text: string }>;
  stream(path: string, onLine: (line: string) => void): () => void;
}

function client(s: Endpoint): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: 32, ca: s.caCert });
  const headers = { authorization: `Bearer ${s.token}` };
  return {
    call: (method, path, body, contentType = 'application/json') =>
      new Promise((resolve, reject) => {
        const req = request(
          new URL(path, s.url),
          { method, agent, headers: body ? { ...headers, 'content-type': contentType } : headers },
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
      }),
    stream: (path, onLine) => {
      const req = request(new URL(path, s.url), { method: 'GET', ca: s.caCert, headers }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            onLine(buf.slice(0, i));
            buf = buf.slice(i + 1);
          }
        });
      });
      req.on('error', () => undefined);
      req.end();
      return () => req.destroy();
    },
  };
}

function pct(xs: number[], p: number): string {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(2);
}

async function timed(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

function line(what: string, xs: number[]): void {
  console.log(
    `${what.padEnd(34)} p50 ${pct(xs, 50).padStart(7)} ms   p99 ${pct(xs, 99).padStart(7)} ms   (n=${xs.length})`,
  );
}

function cm(ns: string, name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { app: 'bench' } },
    data: { key: 'value', other: 'x'.repeat(200) },
  });
}

async function createMany(
  c: Client,
  ns: string,
  n: number,
  concurrency = 16,
  prefix = 'cm',
): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const r = await c.call(
          'POST',
          `/api/v1/namespaces/${ns}/configmaps`,
          cm(ns, `${prefix}-${i}`),
        );
        if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
      }
    }),
  );
  return (n / (performance.now() - t)) * 1000;
}

async function ns(c: Client, name: string): Promise<void> {
  await c.call('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name } }));
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}; server in a child process, client here, HTTPS keep-alive`,
  );
  const { proc, ep } = await child();
  const c = client(ep);
  await ns(c, 'bench');
  await c.call('POST', '/api/v1/namespaces/bench/configmaps', cm('bench', 'target'));
  for (let i = 0; i < 200; i++) await c.call('GET', '/api/v1/namespaces/bench/configmaps/target');
  line(
    'GET configmap',
    await timed(
      2000,
      async () => void (await c.call('GET', '/api/v1/namespaces/bench/configmaps/target')),
    ),
  );

  await ns(c, 'list');
  await createMany(c, 'list', 1000);
  line(
    'LIST 1,000 configmaps',
    await timed(100, async () => void (await c.call('GET', '/api/v1/namespaces/list/configmaps'))),
  );

  const ssa = (i: number): string =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', namespace: 'bench' },
      data: { n: String(i), fixed: 'v' },
    });
  await c.call(
    'PATCH',
    '/api/v1/namespaces/bench/configmaps/applied?fieldManager=bench',
    ssa(0),
    'application/apply-patch+yaml',
  );
  line(
    'SSA PATCH (changing a field)',
    await timed(
      1000,
      async (i) =>
        void (await c.call(
          'PATCH',
          '/api/v1/namespaces/bench/configmaps/applied?fieldManager=bench',
          ssa(i + 1),
          'application/apply-patch+yaml',
        )),
    ),
  );
  line(
    'SSA PATCH (no change)',
    await timed(
      1000,
      async () =>
        void (await c.call(
          'PATCH',
          '/api/v1/namespaces/bench/configmaps/applied?fieldManager=bench',
          ssa(1000),
          'application/apply-patch+yaml',
        )),
    ),
  );

  const pending = new Map<string, number>();
  const delivery: number[] = [];
  const rv0 = (
    JSON.parse((await c.call('GET', '/api/v1/namespaces/bench/configmaps')).text) as {
      metadata: { resourceVersion: string };
    }
  ).metadata.resourceVersion;
  const stop = c.stream(
    `/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=${rv0}`,
    (l) => {
      const ev = JSON.parse(l) as { object: { data?: { n?: string } } };
      const n = ev.object.data?.n;
      const t = n !== undefined ? pending.get(n) : undefined;
      if (n !== undefined && t !== undefined) {
        delivery.push(performance.now() - t);
        pending.delete(n);
      }
    },
  );
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 500; i++) {
    const key = `w${i}`;
    pending.set(key, performance.now());
    await c.call(
      'PATCH',
      '/api/v1/namespaces/bench/configmaps/target',
      JSON.stringify({ data: { n: key } }),
      'application/merge-patch+json',
    );
  }
  await new Promise((r) => setTimeout(r, 200));
  stop();
  line('watch event delivery (write->event)', delivery);

  const before = await ask(proc);
  await ns(c, 'many');
  const rate = await createMany(c, 'many', 10_000);
  console.log(
    `${'10,000 creates, memory only'.padEnd(34)} ${rate.toFixed(0)} objects/s (16 concurrent clients)`,
  );
  const after = await ask(proc);
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
  console.log(
    `${'server RSS with 10,000 configmaps'.padEnd(34)} ${mb(after.rss)} MB (heap ${mb(after.heap)} MB, ${after.objects} objects; before the 10,000: ${mb(before.rss)} MB)`,
  );
  await stopChild(proc);

  const dir = mkdtempSync(join(tmpdir(), 'packsync-bench-'));
  try {
    const disk = await child(dir);
    const dc = client(disk.ep);
    await ns(dc, 'many');
    const drate = await createMany(dc, 'many', 10_000, 32);
    console.log(
      `${'10,000 creates, data dir (fsync)'.padEnd(34)} ${drate.toFixed(0)} objects/s (32 concurrent clients)`,
    );
    await stopChild(disk.proc);
    const t = performance.now();
    const again = await startServer({ dataDir: dir });
    const ms = performance.now() - t;
    console.log(
      `${'restart with 10,000 objects'.padEnd(34)} ${ms.toFixed(0)} ms (replayed ${again.recovered.records} log records into ${again.recovered.objects} objects${again.recovered.compacted ? ', then compacted' : ''})`,
    );
    await again.stop();
    const t2 = performance.now();
    const third = await startServer({ dataDir: dir });
    console.log(
      `${'restart from the snapshot'.padEnd(34)} ${(performance.now() - t2).toFixed(0)} ms (${third.recovered.objects} objects)`,
    );
    await third.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
