// Two managers against one embedded API server, electing a leader with a real Lease: only the
// leader reconciles; when it dies the other takes over within the lease duration; a released
// lease is taken at once; a leader that loses its lease stops its controllers.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { addManagerCommand } from '../../src/cli/commands/manager.js';
import { UserError } from '../../src/errors.js';
import { createRegistry } from '../../src/metrics/index.js';
import {
  Controller,
  enqueueObject,
  startManager,
  type ControllerSetup,
  type LeaderElectionConfig,
  type RunningManager,
} from '../../src/controllers/runtime/index.js';
import { splitKey, type KubeObject } from '../../src/kube/index.js';
import { configMap, eventually, freshNamespace, startEnv, type Env } from '../kube/helpers.js';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env.stop();
});

/** Stamps ConfigMaps labelled `greet=yes` with the identity of the replica that reconciled them. */
function greeter(identity: string): ControllerSetup {
  return {
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
          if (cm?.metadata.labels?.greet !== 'yes' || cm.metadata.annotations?.['greeted-by'])
            return;
          await mgr.client.patch(ref, 'merge', {
            metadata: { annotations: { 'greeted-by': identity } },
          });
        },
      });
      mgr.watch('greeter', { apiVersion: 'v1', kind: 'ConfigMap' }, enqueueObject(c));
      return c;
    },
  };
}

// Short enough for a test, long enough that a busy machine does not lose leases by itself.
const fast = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 };

async function replica(
  identity: string,
  le: Omit<LeaderElectionConfig, 'identity'>,
): Promise<RunningManager> {
  return startManager({
    kubeconfigYaml: env.server.kubeconfig,
    setups: [greeter(identity)],
    metricsAddr: '127.0.0.1:0',
    healthAddr: '127.0.0.1:0',
    logger: pino({ level: 'silent' }),
    registry: createRegistry({ processMetrics: false }),
    leaderElection: { ...le, identity },
    graceMs: 1_000,
  });
}

async function lease(ns: string): Promise<KubeObject | undefined> {
  return env.client.get({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: ns,
    name: 'packsync-manager-lock',
  });
}

const holder = async (ns: string) =>
  ((await lease(ns))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

async function greetedBy(ns: string, name: string): Promise<string | undefined> {
  await env.client.create(configMap(ns, name, {}, { greet: 'yes' }));
  return eventually(async () => {
    const cm = await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });
    return cm?.metadata.annotations?.['greeted-by'];
  }, `${name} to be reconciled`);
}

async function metric(m: RunningManager, re: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${m.metricsUrl}/metrics`)).text();
  return re.exec(text)?.[1];
}

describe('leader election', () => {
  it('only the leader reconciles; when it dies the standby takes over within the lease duration', async () => {
    const ns = await freshNamespace(env.client, 'le');
    const a = await replica('a', { namespace: ns, ...fast, releaseOnCancel: false });
    const b = await replica('b', { namespace: ns, ...fast, releaseOnCancel: false });
    try {
      expect(a.elector?.state).toBe('leading');
      expect(b.elector?.state).toBe('standby');
      expect(await holder(ns)).toBe('a');
      // A standby stops without touching the lease.
      const c = await replica('c', { namespace: ns, ...fast });
      expect(c.elector?.state).toBe('standby');
      await c.stop(0);
      expect(c.elector?.state).toBe('stopped');
      expect(await holder(ns)).toBe('a');
      expect(await greetedBy(ns, 'one')).toBe('a');

      // The standby serves probes and metrics, is ready, and reconciles nothing.
      const ready = await fetch(`${b.healthUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.text()).toContain('standby: lease');
      expect(await metric(a, /packsync_leader_election_status\{name="[^"]+"\} (\d)/)).toBe('1');
      expect(await metric(b, /packsync_leader_election_status\{name="[^"]+"\} (\d)/)).toBe('0');
      expect(
        await metric(a, /packsync_reconcile_total\{controller="greeter",[^}]*\} (\d+)/),
      ).toMatch(/^[1-9]/);
      expect(await metric(b, /packsync_reconcile_total\{controller="greeter",[^}]*\} (\d+)/)).toBe(
        undefined,
      );

      // A dies without releasing: B waits for the lease to run out, then leads.
      const died = Date.now();
      await a.stop(0);
      expect(await holder(ns)).toBe('a');
      await b.elector?.leading;
      const took = Date.now() - died;
      // Not before A's last renewal (at most one retry period before it died) has run out.
      expect(took).toBeGreaterThanOrEqual(fast.leaseDurationMs - 2 * fast.retryPeriodMs);
      expect(took).toBeLessThan(fast.leaseDurationMs + 2 * fast.retryPeriodMs + 2_000);
      expect(await holder(ns)).toBe('b');
      expect((await lease(ns))?.spec).toMatchObject({ leaseTransitions: 1 });
      expect(await greetedBy(ns, 'two')).toBe('b');
    } finally {
      await b.stop(0);
      await a.stop(0);
    }
  });

  it('a released lease is taken over at once, long before it would expire', async () => {
    const ns = await freshNamespace(env.client, 'le');
    const slow = { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 300 };
    const a = await replica('a', { namespace: ns, ...slow });
    const b = await replica('b', { namespace: ns, ...slow });
    try {
      expect(a.elector?.state).toBe('leading');
      const released = Date.now();
      await a.stop(1_000);
      // Graceful stop cleared the holder; B acquires on its next retry, not after 60 s.
      await b.elector?.leading;
      expect(Date.now() - released).toBeLessThan(5_000);
      expect(await holder(ns)).toBe('b');
      expect(await greetedBy(ns, 'three')).toBe('b');
    } finally {
      await b.stop(0);
      await a.stop(0);
    }
  });

  it('a leader whose lease is taken stops its controllers and reports why', async () => {
    const ns = await freshNamespace(env.client, 'le');
    const a = await replica('a', { namespace: ns, ...fast });
    try {
      expect(a.elector?.state).toBe('leading');
      const l = (await lease(ns))!;
      await env.client.update({
        ...l,
        spec: { ...(l.spec as object), holderIdentity: 'intruder', leaseDurationSeconds: 600 },
      });
      const reason = await a.failed;
      expect(reason.message).toBe('leader election lost: lease is now held by intruder');
      expect(a.elector?.state).toBe('lost');
      expect(a.manager.healthz().ok).toBe(false);
      // Its controllers are stopped: a new ConfigMap stays untouched.
      await env.client.create(configMap(ns, 'after', {}, { greet: 'yes' }));
      expect((await fetch(`${a.healthUrl}/healthz`)).status).toBe(503);
      const cm = await env.client.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: ns,
        name: 'after',
      });
      expect(cm?.metadata.annotations?.['greeted-by']).toBeUndefined();
      // Stopping does not release a lease that is no longer ours.
      await a.stop(0);
      expect(await holder(ns)).toBe('intruder');
    } finally {
      await a.stop(0);
    }
  });

  it('`packsync manager` exits non-zero when it loses the lease, so the pod restarts', async () => {
    const ns = await freshNamespace(env.client, 'le');
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (d: Buffer) => (text += d.toString()));
    const program = new Command('packsync').exitOverride();
    addManagerCommand(
      program,
      { io: { stdout: new PassThrough(), stderr }, logger: () => pino({ level: 'silent' }) },
      { setups: [greeter('cli')], env: { PACKSYNC_LEADER_ELECTION_NAMESPACE: ns } },
    );
    const file = join(tmpdir(), `${ns}.kubeconfig`);
    writeFileSync(file, env.server.kubeconfig);
    try {
      const run = program.parseAsync([
        'node',
        'packsync',
        'manager',
        '--kubeconfig',
        file,
        '--metrics-addr=0',
        '--health-probe-bind-address=0',
        '--leader-election-lease-duration=3s',
        '--leader-election-renew-deadline=2s',
        '--leader-election-retry-period=300ms',
      ]);
      const outcome = run.then(
        () => undefined,
        (err: unknown) => err,
      );
      await eventually(() => text.includes(`leading (lease ${ns}/packsync-manager-lock)`), 'lead');
      expect(await greetedBy(ns, 'cli-one')).toBe('cli');
      const l = (await lease(ns))!;
      await env.client.update({
        ...l,
        spec: { ...(l.spec as object), holderIdentity: 'intruder', leaseDurationSeconds: 600 },
      });
      const err = await outcome;
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(
        'manager stopped: leader election lost: lease is now held by intruder',
      );
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('a standby that cannot start its controllers on taking over gives the lease back', async () => {
    const ns = await freshNamespace(env.client, 'le');
    const a = await replica('a', { namespace: ns, ...fast });
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
    const b = await startManager({
      kubeconfigYaml: env.server.kubeconfig,
      setups: [needsCrd],
      metricsAddr: '0',
      healthAddr: '0',
      logger: pino({ level: 'silent' }),
      registry: createRegistry({ processMetrics: false }),
      leaderElection: { namespace: ns, identity: 'b', ...fast },
    });
    try {
      expect(b.elector?.state).toBe('standby');
      await a.stop(0);
      const reason = await b.failed;
      expect(reason.message).toMatch(
        /^starting the controllers after acquiring the lease: .*no matches for kind "Gadget"/,
      );
      expect(b.elector?.state).toBe('stopped');
      expect(await holder(ns)).toBeUndefined();
    } finally {
      await b.stop(0);
      await a.stop(0);
    }
  });

  it('refuses to start when the lease namespace does not exist', async () => {
    await expect(replica('a', { namespace: 'no-such-namespace', ...fast })).rejects.toThrow(
      'namespace "no-such-namespace" not found (create it, or choose another with --leader-election-namespace)',
    );
  });
});
