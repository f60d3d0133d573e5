/**
 * Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it.
 *
 *   get Lease -> observe (local time of the last change) -> decideLease (pure) -> create/update
 *   with resourceVersion (optimistic concurrency) -> leading: renew every retryPeriod, lost when
 *   no renewal succeeded within renewDeadline or someone else holds it -> stop: release.
 *
 * Expiry is judged on our own clock from the moment we saw the record change (never by comparing
 * the holder's timestamps with ours), so clock skew between replicas does not matter.
 */
import { Gauge, type Registry } from 'prom-client';
import {
  isAlreadyExists,
  isConflict,
  isForbidden,
  isNotFound,
  silentLogger,
  type KubeObject,
  type KubeReader,
  type KubeWriter,
  type RuntimeLogger,
} from '../../kube/index.js';
import { errorMessage } from '../../errors.js';
import { realClock, type Clock } from './workqueue.js';

export const LEASE_API_VERSION = 'coordination.k8s.io/v1';
export const DEFAULT_LEASE_NAME = 'packsync-manager-lock';

/** Package Operator's timings (controller-runtime flags it sets): lease 137 s, renew 107 s, retry 26 s. */
export const PKO_LEASE_TIMINGS = {
  leaseDurationMs: 137_000,
  renewDeadlineMs: 107_000,
  retryPeriodMs: 26_000,
} as const;

/** `spec` of a coordination.k8s.io/v1 Lease. */
export interface LeaseSpec {
  holderIdentity?: string | undefined;
  leaseDurationSeconds?: number | undefined;
  /** MicroTime, e.g. `2026-01-02T03:04:05.000000Z`. */
  acquireTime?: string | undefined;
  renewTime?: string | undefined;
  leaseTransitions?: number | undefined;
}

/** What we know of the lease: its record, version, and when (our clock) we saw it change. */
export interface LeaseObservation {
  spec: LeaseSpec;
  resourceVersion: string;
  observedAt: number;
}

export type LeaseDecision =
  /** No lease yet: create it, holding it. */
  | { action: 'create'; spec: LeaseSpec }
  /** Write this record (acquire a free or expired lease, or renew ours). */
  | { action: 'update'; spec: LeaseSpec; acquired: boolean }
  /** Someone else holds a valid lease until `expiresAt` (our clock). */
  | { action: 'wait'; holder: string; expiresAt: number };

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Remembers when the record last changed; an unchanged resourceVersion keeps the old time. */
export function observeLease(
  prev: LeaseObservation | undefined,
  lease: KubeObject,
  now: number,
): LeaseObservation {
  const resourceVersion = lease.metadata.resourceVersion ?? '';
  const spec = (lease.spec ?? {}) as LeaseSpec;
  if (prev !== undefined && prev.resourceVersion === resourceVersion) return prev;
  return { spec, resourceVersion, observedAt: now };
}

/**
 * The next step for `identity`: create a missing lease, wait while another holder's lease is
 * valid, otherwise take it (a released lease, with no holder, is free at once) or renew ours.
 */
export function decideLease(input: {
  identity: string;
  now: number;
  /** Our lease duration: written into the record, and used when the record has none. */
  leaseDurationMs: number;
  observed: LeaseObservation | undefined;
}): LeaseDecision {
  const { identity, now, leaseDurationMs, observed } = input;
  const seconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));
  const t = microTime(now);
  if (observed === undefined) {
    return {
      action: 'create',
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: seconds,
        acquireTime: t,
        renewTime: t,
        leaseTransitions: 0,
      },
    };
  }
  const old = observed.spec;
  const holder = old.holderIdentity ?? '';
  if (holder !== '' && holder !== identity) {
    const validMs = (old.leaseDurationSeconds ?? seconds) * 1000;
    const expiresAt = observed.observedAt + validMs;
    if (expiresAt > now) return { action: 'wait', holder, expiresAt };
  }
  const ours = holder === identity;
  return {
    action: 'update',
    acquired: !ours,
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds: seconds,
      acquireTime: ours ? (old.acquireTime ?? t) : t,
      renewTime: t,
      leaseTransitions: ours ? (old.leaseTransitions ?? 0) : (old.leaseTransitions ?? 0) + 1,
    },
  };
}

/** The record that gives the lease up: no holder, so a successor takes it at once. */
export function releasedLease(old: LeaseSpec, now: number): LeaseSpec {
  const t = microTime(now);
  return {
    leaseDurationSeconds: 1,
    acquireTime: t,
    renewTime: t,
    leaseTransitions: old.leaseTransitions ?? 0,
  };
}

/** Checks the timings as client-go does: lease > renew deadline > retry period * 1.2. */
export function timingProblems(t: {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}): string[] {
  const out: string[] = [];
  if (t.leaseDurationMs < 1000) out.push('lease duration must be at least 1s');
  if (t.leaseDurationMs <= t.renewDeadlineMs)
    out.push('lease duration must be greater than the renew deadline');
  if (t.renewDeadlineMs <= t.retryPeriodMs * 1.2)
    out.push('renew deadline must be greater than 1.2 x the retry period');
  if (t.retryPeriodMs <= 0) out.push('retry period must be positive');
  return out;
}

export interface LeaderElectionOptions {
  client: KubeReader & Pick<KubeWriter, 'create' | 'update'>;
  namespace: string;
  /** Lease name (default `packsync-manager-lock`). */
  name?: string | undefined;
  /** Unique per replica (default `<hostname>_<random>`). */
  identity: string;
  leaseDurationMs?: number | undefined;
  renewDeadlineMs?: number | undefined;
  retryPeriodMs?: number | undefined;
  /** Give the lease up on stop so a successor takes over at once (default true). */
  releaseOnCancel?: boolean | undefined;
  logger?: RuntimeLogger | undefined;
  /** `packsync_leader_election_status{name}` is 1 while leading. */
  registry?: Registry | undefined;
  clock?: Clock | undefined;
  /** Jitter source for the acquire retries (default Math.random). */
  random?: () => number;
}

export type ElectorState = 'new' | 'standby' | 'leading' | 'lost' | 'stopped';

/** Leader election configuration or permission errors (the first attempt reports them). */
export class LeaderElectionError extends Error {
  override readonly name: string = 'LeaderElectionError';
}

/**
 * Runs the election for one replica. `start()` makes the first attempt (and rejects on errors a
 * retry will not fix: a missing namespace, no permission); `leading` resolves when this replica
 * holds the lease; `lost` resolves when it held it and no longer does.
 */
export class LeaderElector {
  readonly name: string;
  readonly namespace: string;
  readonly identity: string;
  readonly leading: Promise<void>;
  readonly lost: Promise<Error>;
  private readonly client: LeaderElectionOptions['client'];
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly releaseOnCancel: boolean;
  private readonly logger: RuntimeLogger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly gauge: Gauge<'name'> | undefined;
  private observed: LeaseObservation | undefined;
  private stateValue: ElectorState = 'new';
  private timer: unknown;
  private deadline: unknown;
  private inflight: Promise<void> = Promise.resolve();
  private resolveLeading!: () => void;
  private resolveLost!: (e: Error) => void;

  constructor(opts: LeaderElectionOptions) {
    this.client = opts.client;
    this.namespace = opts.namespace;
    this.name = opts.name ?? DEFAULT_LEASE_NAME;
    this.identity = opts.identity;
    this.leaseDurationMs = opts.leaseDurationMs ?? PKO_LEASE_TIMINGS.leaseDurationMs;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? PKO_LEASE_TIMINGS.renewDeadlineMs;
    this.retryPeriodMs = opts.retryPeriodMs ?? PKO_LEASE_TIMINGS.retryPeriodMs;
    const problems = timingProblems({
      leaseDurationMs: this.leaseDurationMs,
      renewDeadlineMs: this.renewDeadlineMs,
      retryPeriodMs: this.retryPeriodMs,
    });
    if (problems.length > 0) throw new LeaderElectionError(problems.join('; '));
    this.releaseOnCancel = opts.releaseOnCancel ?? true;
    this.logger = opts.logger ?? silentLogger;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    if (opts.registry !== undefined) {
      const existing = opts.registry.getSingleMetric('packsync_leader_election_status');
      this.gauge =
        (existing as Gauge<'name'> | undefined) ??
        new Gauge({
          name: 'packsync_leader_election_status',
          help: 'Whether this replica holds the leader election lease (1) or not (0)',
          labelNames: ['name'],
          registers: [opts.registry],
        });
      this.gauge.set({ name: this.name }, 0);
    }
    this.leading = new Promise((r) => (this.resolveLeading = r));
    this.lost = new Promise((r) => (this.resolveLost = r));
  }

  get state(): ElectorState {
    return this.stateValue;
  }

  /** The holder we last saw (ourselves when leading), or undefined when there is none. */
  get holder(): string | undefined {
    const h = this.observed?.spec.holderIdentity;
    return h === undefined || h === '' ? undefined : h;
  }

  /** First attempt, then keeps trying (standby) or renewing (leading) in the background. */
  async start(): Promise<void> {
    if (this.stateValue !== 'new') throw new Error(`leader election already ${this.stateValue}`);
    this.stateValue = 'standby';
    try {
      await this.attempt();
    } catch (err) {
      this.stateValue = 'stopped';
      if (isNotFound(err)) {
        throw new LeaderElectionError(
          `namespace ${JSON.stringify(this.namespace)} not found (create it, or choose another with --leader-election-namespace)`,
          { cause: err },
        );
      }
      if (isForbidden(err)) {
        throw new LeaderElectionError(
          `no permission on leases in namespace ${JSON.stringify(this.namespace)}: ${errorMessage(err)}`,
          { cause: err },
        );
      }
      // Anything else (the server being unreachable a moment) is retried like any attempt.
      this.logger.warn({ lease: this.leaseKey(), err: errorMessage(err) }, 'leader election');
      this.stateValue = 'standby';
    }
    this.schedule();
  }

  /** Stops trying; when leading, gives the lease up (unless `releaseOnCancel` is false). */
  async stop(): Promise<void> {
    const wasLeading = this.stateValue === 'leading';
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'stopped';
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.deadline);
    await this.inflight;
    this.gauge?.set({ name: this.name }, 0);
    if (!wasLeading || !this.releaseOnCancel || this.observed === undefined) return;
    try {
      await this.write(releasedLease(this.observed.spec, this.clock.now()));
      this.logger.info({ lease: this.leaseKey() }, 'leader election: lease released');
    } catch (err) {
      // Someone took it already, or the server is gone: the lease expires on its own.
      this.logger.warn(
        { lease: this.leaseKey(), err: errorMessage(err) },
        'leader election: releasing the lease',
      );
    }
  }

  private leaseKey(): string {
    return `${this.namespace}/${this.name}`;
  }

  private schedule(): void {
    if (this.stateValue !== 'standby' && this.stateValue !== 'leading') return;
    let wait = this.retryPeriodMs;
    if (this.stateValue === 'standby') {
      wait = this.retryPeriodMs * (1 + 0.2 * this.random());
      // A lease that runs out before the next retry is tried the moment it expires.
      const d = this.observed && decideLease(this.decisionInput());
      if (d?.action === 'wait') wait = Math.min(wait, Math.max(0, d.expiresAt - this.clock.now()));
    }
    this.timer = this.clock.setTimeout(() => {
      this.inflight = this.tick();
    }, wait);
  }

  private async tick(): Promise<void> {
    try {
      await this.attempt();
    } catch (err) {
      if (this.stateValue === 'stopped') return;
      this.logger.warn(
        { lease: this.leaseKey(), err: errorMessage(err) },
        this.stateValue === 'leading' ? 'leader election: renewing' : 'leader election: acquiring',
      );
    }
    this.schedule();
  }

  private decisionInput(): Parameters<typeof decideLease>[0] {
    return {
      identity: this.identity,
      now: this.clock.now(),
      leaseDurationMs: this.leaseDurationMs,
      observed: this.observed,
    };
  }

  /** One try to acquire or renew. */
  private async attempt(): Promise<void> {
    const lease = await this.client.get({
      apiVersion: LEASE_API_VERSION,
      kind: 'Lease',
      namespace: this.namespace,
      name: this.name,
    });
    if (this.stateValue === 'stopped') return;
    if (lease === undefined) this.observed = undefined;
    else this.observed = observeLease(this.observed, lease, this.clock.now());
    const d = decideLease(this.decisionInput());
    if (d.action === 'wait') {
      if (this.stateValue === 'leading') {
        this.lose(new Error(`leader election lost: lease is now held by ${d.holder}`));
      }
      return;
    }
    try {
      if (d.action === 'create') {
        const created = await this.client.create(this.leaseObject(d.spec, undefined));
        this.observed = observeLease(undefined, created, this.clock.now());
      } else {
        await this.write(d.spec);
      }
    } catch (err) {
      // Someone else wrote first: their record wins; the next attempt reads it.
      if (isConflict(err) || isAlreadyExists(err)) return;
      throw err;
    }
    this.renewed();
  }

  private async write(spec: LeaseSpec): Promise<void> {
    const updated = await this.client.update(
      this.leaseObject(spec, this.observed?.resourceVersion),
    );
    this.observed = observeLease(this.observed, updated, this.clock.now());
  }

  private leaseObject(spec: LeaseSpec, resourceVersion: string | undefined): KubeObject {
    return {
      apiVersion: LEASE_API_VERSION,
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(resourceVersion === undefined ? {} : { resourceVersion }),
      },
      spec: spec,
    };
  }

  /** A successful acquire or renew: (re)arm the renew deadline. */
  private renewed(): void {
    if (this.stateValue !== 'standby' && this.stateValue !== 'leading') return;
    this.clock.clearTimeout(this.deadline);
    this.deadline = this.clock.setTimeout(() => {
      this.lose(
        new Error(`leader election lost: lease not renewed within ${this.renewDeadlineMs / 1000}s`),
      );
    }, this.renewDeadlineMs);
    if (this.stateValue === 'standby') {
      this.stateValue = 'leading';
      this.gauge?.set({ name: this.name }, 1);
      this.logger.info(
        { lease: this.leaseKey(), identity: this.identity },
        'leader election: acquired the lease',
      );
      this.resolveLeading();
    }
  }

  private lose(reason: Error): void {
    if (this.stateValue !== 'leading') return;
    this.stateValue = 'lost';
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.deadline);
    this.gauge?.set({ name: this.name }, 0);
    this.logger.error({ lease: this.leaseKey(), identity: this.identity }, reason.message);
    this.resolveLost(reason);
  }
}
