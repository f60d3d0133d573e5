// `packsync manager` as a user runs it: a kubeconfig file, /metrics, /healthz, /readyz, a
// controller doing its work, graceful stop on SIGTERM. The verb is built with a test controller
// list (the real list is src/controllers/index.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addManagerCommand } from '../../src/cli/commands/manager.js';
import { buildProgram, type CommandContext } from '../../src/cli/main.js';
import { buildControllerSetups } from '../../src/controllers/index.js';
import {
  Controller,
  enqueueObject,
  startManager,
  type ControllerSetup,
} from '../../src/controllers/runtime/index.js';
import { splitKey } from '../../src/kube/index.js';
import { UserError } from '../../src/errors.js';
import { configMap, eventually, freshNamespace, startEnv, type Env } from '../kube/helpers.js';

let env: Env;
let dir: string;
beforeAll(async () => {
  env = await startEnv();
  dir = mkdtempSync(join(tmpdir(), 'packsync-manager-'));
});
afterAll(async () => {
  await env.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Annotates ConfigMaps labelled `greet=yes` with `greeted: "yes"`. */
const greeter: ControllerSetup = {
  name: 'greeter',
  setup(mgr, opts) {
    const c = new Controller({
      name: 'greeter',
      workers: opts.workers,
      metrics: mgr.metrics,
      logger: mgr.logger,
      reconcile: async (key) => {
        const { namespace, name } = splitKey(key);
        const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name };
        const cm = await mgr.watches.get(ref);
        if (cm?.metadata.labels?.greet !== 'yes' || cm.metadata.annotations?.greeted === 'yes')
          return;
        await mgr.client.patch(ref, 'merge', { metadata: { annotations: { greeted: 'yes' } } });
      },
    });
    mgr.watch('greeter', { apiVersion: 'v1', kind: 'ConfigMap' }, enqueueObject(c));
    return c;
  },
};

function context(): { ctx: CommandContext; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  return {
    ctx: { io: { stdout, stderr }, logger: () => pino({ level: 'silent' }) },
    err: () => text,
  };
}

function program(ctx: CommandContext): Command {
  const p = new Command('packsync').exitOverride();
  addManagerCommand(p, ctx, { setups: [greeter], env: {} });
  return p;
}

describe('packsync manager', () => {
  it('runs controllers with metrics and probes, and stops gracefully on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, env.server.kubeconfig);
    // Leader election is on by default, with its Lease in the manager's namespace.
    await env.client.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'packsync-system' },
    });
    const { ctx, err } = context();
    const done = program(ctx).parseAsync([
      'node',
      'packsync',
      'manager',
      '--kubeconfig',
      kubeconfig,
      '--metrics-addr',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
    ]);
    const line = await eventually(
      () => /manager running: (.*)\n/.exec(err())?.[1],
      'manager to start',
    );
    expect(line).toMatch(
      /^greeter; metrics http:\/\/127\.0\.0\.1:\d+\/metrics; probes http:\/\/127\.0\.0\.1:\d+\/healthz, \/readyz; leading \(lease packsync-system\/packsync-manager-lock\)$/,
    );
    const metricsUrl = /metrics (http:\/\/[^/]+)\/metrics/.exec(line)![1]!;
    const healthUrl = /probes (http:\/\/[^/]+)\/healthz/.exec(line)![1]!;

    expect((await fetch(`${healthUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${healthUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ok\n');
    expect((await fetch(`${healthUrl}/nope`)).status).toBe(404);

    const ns = await freshNamespace(env.client);
    await env.client.create(configMap(ns, 'hello', {}, { greet: 'yes' }));
    await eventually(async () => {
      const cm = await env.client.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: ns,
        name: 'hello',
      });
      return cm?.metadata.annotations?.greeted === 'yes';
    }, 'the controller to annotate the ConfigMap');

    const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /packsync_reconcile_total\{controller="greeter",result="success"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /packsync_rest_client_requests_total\{method="PATCH",code="200"\} [1-9]/,
    );
    expect(metrics).toMatch(/packsync_informers\{cache="watches"\} 2/);
    expect(metrics).toContain('process_resident_memory_bytes');

    process.emit('SIGTERM');
    await done;
    expect(err()).toContain('stopping: waiting for in-flight reconciles');
    await expect(fetch(`${healthUrl}/healthz`)).rejects.toThrow();
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });

  it('rejects bad flags and an unreachable cluster as user errors', async () => {
    const { ctx } = context();
    await expect(
      program(ctx).parseAsync(['node', 'packsync', 'manager', '--metrics-addr', 'nonsense']),
    ).rejects.toThrow(/--metrics-addr: invalid bind address "nonsense"/);
    await expect(
      program(ctx).parseAsync(['node', 'packsync', 'manager', '--workers', '0']),
    ).rejects.toBeInstanceOf(UserError);
    const missing = join(dir, 'no-such-kubeconfig');
    await expect(
      program(ctx).parseAsync([
        'node',
        'packsync',
        'manager',
        '--kubeconfig',
        missing,
        '--metrics-addr',
        '0',
      ]),
    ).rejects.toThrow(/^starting the manager: /);
  });

  it('finds the cluster through $KUBECONFIG when --kubeconfig is not given', async () => {
    const kubeconfig = join(dir, 'kubeconfig-env');
    writeFileSync(kubeconfig, env.server.kubeconfig);
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfig;
    try {
      const running = await startManager({
        setups: [greeter],
        metricsAddr: '0',
        healthAddr: '0',
        logger: pino({ level: 'silent' }),
      });
      expect(running.metricsUrl).toBeUndefined();
      expect(running.manager.client.server).toBe(env.server.url);
      expect(running.manager.readyz()).toEqual({ ok: true, problems: [] });
      await running.stop();
      expect(running.manager.readyz().ok).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it('says the CRDs may be missing when a controller watches a kind the cluster does not serve', async () => {
    const needsCrd: ControllerSetup = {
      name: 'needs-crd',
      setup(mgr) {
        const c = new Controller({
          name: 'needs-crd',
          reconcile: () => Promise.resolve(undefined),
        });
        mgr.watch(
          'needs-crd',
          { apiVersion: 'missing.example.com/v1', kind: 'Gadget' },
          enqueueObject(c),
        );
        return c;
      },
    };
    await expect(
      startManager({
        kubeconfigYaml: env.server.kubeconfig,
        setups: [needsCrd],
        metricsAddr: '0',
        healthAddr: '127.0.0.1:0',
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(
      /no matches for kind "Gadget" in version "missing.example.com\/v1" \(are the CRDs installed\?/,
    );
  });

  it('is a CLI verb that names every controller it runs', () => {
    const { ctx } = context();
    const manager = buildProgram(ctx).commands.find((c) => c.name() === 'manager');
    expect(manager?.description()).toContain(
      buildControllerSetups()
        .map((s) => s.name)
        .join(', '),
    );
  });
});
