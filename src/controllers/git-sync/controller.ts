/**
 * (Cluster)GitSync reconcile, level-based: read the credentials (`spec.secretRef`), resolve
 * `spec.ref` (a cheap remote-refs check); when the commit and the spec generation are the ones
 * already handled, only mirror the ObjectDeployment's state. Otherwise check out `spec.path`, load
 * and render it as a desired state with `spec.config`, check the package images exist, and write
 * the (Cluster)ObjectDeployment named after the GitSync with the commit in its annotations. A
 * commit that fails any step is refused: the OD is left alone, so the last good revision keeps
 * running, and Ready=False says why. Fetch errors back off exponentially; `spec.suspend` stops
 * fetching. Requeued every `spec.interval`.
 */
import {
  coreGroup,
  coreVersion,
  findStatusCondition,
  conditionTypes as T,
  gitSyncReasons as R,
  packsyncGroup,
  packsyncVersion,
  parseDuration,
  parseObject,
  rfc3339Seconds,
  type Condition,
  type GitRef,
} from '../../apis/index.js';
import { errorMessage } from '../../errors.js';
import {
  splitKey,
  type EventRecorder,
  type KubeObject,
  type KubeReader,
  type KubeWriter,
} from '../../kube/index.js';
import {
  FieldErrorList,
  ViolationError,
  loadDesiredState,
  type DesiredState,
  type RenderCapabilities,
} from '../../packages/index.js';
import type { Result } from '../runtime/controller.js';
import { sameStatus } from '../object-set/status.js';
import { writeDeploymentAndSlices } from '../package/write-deployment.js';
import { stableJson } from '../package/hash.js';
import { fetchBackoff, defaultFetchBackoff, type Backoff } from './backoff.js';
import { credentialsFromSecret, type GitCredentials } from './credentials.js';
import { deploymentUpToDate, desiredDeployment, shortSha, type CommitInfo } from './desired.js';
import { packageImages } from './images.js';
import type { GitSyncScope } from './scope.js';
import { isRefused, rolloutState, syncConditions, type SyncOutcome } from './status.js';

const apiVersion = `${packsyncGroup}/${packsyncVersion}`;
const coreApiVersion = `${coreGroup}/${coreVersion}`;

/** What the controller needs from a Git source (`src/git`'s GitSource). */
export interface GitSourceLike {
  resolve(req: {
    url: string;
    ref: GitRef;
    credentials?: GitCredentials | undefined;
  }): Promise<{ sha: string; refName: string }>;
  checkout(
    repo: { url: string; ref: GitRef; credentials?: GitCredentials | undefined },
    sha: string,
    path: string,
  ): Promise<{ commit: CommitInfo; files: ReadonlyMap<string, Uint8Array> }>;
}

/** Throws when the package image cannot be found (a HEAD of its manifest). */
export type CheckImageFn = (reference: string) => Promise<void>;

export interface GitSyncDeps {
  reader: KubeReader;
  writer: KubeWriter;
  source: GitSourceLike;
  caps: RenderCapabilities;
  /** Checks Package/ClusterPackage images before a commit is applied; skipped when absent. */
  checkImage?: CheckImageFn | undefined;
  events?: EventRecorder | undefined;
  now?: (() => Date) | undefined;
  fetchBackoff?: Backoff | undefined;
}

interface SpecLike {
  url: string;
  ref: GitRef;
  path: string;
  interval: string;
  config?: Record<string, unknown> | undefined;
  suspend: boolean;
  revisionHistoryLimit: number;
  secretRef?: { name: string; namespace?: string } | undefined;
}

interface StatusLike {
  conditions?: Condition[];
  observedGeneration?: number;
  lastAppliedCommit?: string;
  lastAttemptedCommit?: string;
  lastSyncTime?: string;
  revision?: number;
  [k: string]: unknown;
}

/** Git errors only a user can fix (as opposed to a flaky network): Stalled, not Reconciling. */
const permanentGitReasons = new Set(['RefNotFound', 'PathNotFound', 'AuthFailed', 'TooLarge']);

function isPermanentGitError(err: unknown): boolean {
  const reason = (err as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && permanentGitReasons.has(reason);
}

/** A stage that failed for a reason a user must fix in Git or in the spec. */
class Refusal extends Error {
  constructor(
    readonly reason: typeof R.validationFailed | typeof R.renderFailed,
    message: string,
    /** Worth trying again at the same commit (an image may appear in the registry). */
    readonly retry = false,
  ) {
    super(message);
  }
}

/** The refusal for a load or render error; file names are relative to `path`, so it leads. */
function refusalOf(err: unknown, path: string): Refusal {
  if (err instanceof Refusal) return err;
  // Rule violations (YAML, phases, scope, config schema, constraints) are validation; whatever
  // else the pipeline throws comes from running templates or CEL.
  const validation = err instanceof ViolationError || err instanceof FieldErrorList;
  const where = path === '.' || path === '' ? '' : `loading ${path.replace(/\/+$/, '')}: `;
  return new Refusal(validation ? R.validationFailed : R.renderFailed, where + errorMessage(err));
}

export class GitSyncReconciler {
  /** Consecutive failed fetches by GitSync key (for the backoff); dropped when it is gone. */
  private readonly failures = new Map<string, number>();
  /** Keys whose last refusal may pass at the same commit (a missing image). */
  private readonly recheck = new Set<string>();
  /** The last resolve by key, reused for events that come sooner than half an interval. */
  private readonly resolved = new Map<string, { source: string; sha: string; at: number }>();
  /** Keys whose next reconcile must ask the remote (webhooks, `triggerSync`). */
  private readonly forced = new Set<string>();

  constructor(
    readonly scope: GitSyncScope,
    private readonly deps: GitSyncDeps,
  ) {}

  /** The next reconcile of `key` resolves the ref even if it just did (a push was announced). */
  requestSync(key: string): void {
    this.forced.add(key);
  }

  reconcile = async (key: string): Promise<Result> => {
    const { namespace, name } = splitKey(key);
    const raw = await this.deps.reader.get({ apiVersion, kind: this.scope.kind, name, namespace });
    if (raw === undefined || raw.metadata.deletionTimestamp !== undefined) {
      this.failures.delete(key);
      this.recheck.delete(key);
      this.resolved.delete(key);
      this.forced.delete(key);
      return {};
    }
    const parsed = parseObject(this.scope.kind, raw);
    if (!parsed.ok) {
      // The CRD's schema admits only valid objects; this is a stale or foreign one.
      throw new Error(`invalid ${this.scope.kind} ${key}: ${parsed.errors.join(', ')}`);
    }
    const spec = parsed.value.spec;
    const status: StatusLike = { ...((raw.status ?? {}) as StatusLike) };
    const now = this.deps.now?.() ?? new Date();
    const generation = raw.metadata.generation ?? 0;
    const intervalMs = parseDuration(spec.interval) ?? 60_000;
    const odRef = {
      apiVersion: coreApiVersion,
      kind: this.scope.deploymentKind,
      name,
      namespace: this.scope.namespaced ? raw.metadata.namespace : undefined,
    };
    let od = await this.deps.reader.get(odRef);

    const finish = async (outcome: SyncOutcome, result: Result): Promise<Result> => {
      const rollout = rolloutState(od);
      status.conditions = syncConditions(
        status.conditions ?? [],
        outcome,
        rollout,
        generation,
        now,
      );
      if (rollout.revision !== undefined && od !== undefined) status.revision = rollout.revision;
      if (!sameStatus(raw.status, status)) {
        await this.deps.writer.updateStatus({ ...raw, status: status });
      }
      return result;
    };

    if (spec.suspend) return finish({ kind: 'suspended' }, {});

    let credentials: GitCredentials | undefined;
    let sha: string;
    try {
      credentials = await this.credentials(spec, raw);
      sha = await this.resolve(key, spec, credentials, intervalMs, now);
    } catch (err) {
      return this.fetchFailed(key, err, finish);
    }

    // Nothing new: same commit, same spec, and its outcome is on record (applied and the OD is
    // there, or refused for good). Only the rollout state is mirrored; nothing is fetched.
    const ready = findStatusCondition(status.conditions, T.ready);
    const handled =
      sha === status.lastAttemptedCommit &&
      status.observedGeneration === generation &&
      !this.recheck.has(key) &&
      ready !== undefined &&
      (isRefused(status.conditions) ||
        (sha === status.lastAppliedCommit &&
          od !== undefined &&
          (ready.reason === R.synced || ready.reason === R.progressing)));
    if (handled) {
      this.failures.delete(key);
      const outcome: SyncOutcome = isRefused(status.conditions)
        ? { kind: 'kept' }
        : { kind: 'applied', commit: sha };
      return finish(outcome, { requeueAfter: intervalMs });
    }

    let checkedOut: { commit: CommitInfo; files: ReadonlyMap<string, Uint8Array> };
    try {
      checkedOut = await this.deps.source.checkout(
        { url: spec.url, ref: spec.ref, credentials },
        sha,
        spec.path,
      );
    } catch (err) {
      return this.fetchFailed(key, err, finish);
    }
    this.failures.delete(key);
    status.lastAttemptedCommit = sha;
    status.lastSyncTime = rfc3339Seconds(now);
    status.observedGeneration = generation;

    let desired: DesiredState;
    try {
      desired = loadDesiredState(
        {
          files: checkedOut.files,
          name,
          namespace: this.scope.namespaced ? (raw.metadata.namespace ?? '') : '',
          config: spec.config,
          labels: raw.metadata.labels ?? {},
          annotations: raw.metadata.annotations ?? {},
        },
        this.deps.caps,
      );
      if (desired.plan.objectDeployment.spec.template.spec.phases.length === 0) {
        // An ObjectDeployment without phases makes no revision, so nothing would be pruned
        // either: say so rather than report a sync that did nothing.
        throw new Refusal(
          R.validationFailed,
          `${spec.path === '.' ? 'the repository' : spec.path} holds no objects (plain .yaml/.yml files or .gotmpl templates)`,
        );
      }
      await this.checkImages(desired, raw.metadata.namespace ?? '');
    } catch (err) {
      const refusal = refusalOf(err, spec.path);
      if (refusal.retry) this.recheck.add(key);
      else this.recheck.delete(key);
      this.deps.events?.event(raw, 'Warning', refusal.reason, refusal.message);
      return finish(
        { kind: 'refused', reason: refusal.reason, commit: sha, message: refusal.message },
        { requeueAfter: intervalMs },
      );
    }
    this.recheck.delete(key);

    od = await this.writeDeployment(raw, spec, desired, checkedOut.commit, od);
    if (status.lastAppliedCommit !== sha) {
      this.deps.events?.event(
        raw,
        'Normal',
        R.progressing,
        `applying commit ${shortSha(sha)}: ${checkedOut.commit.message.split('\n', 1)[0] ?? ''}`,
      );
    }
    status.lastAppliedCommit = sha;
    return finish({ kind: 'applied', commit: sha }, { requeueAfter: intervalMs });
  };

  /**
   * The commit `spec.ref` points at. Events (the OD's rollout progressing) that come within half an
   * interval of the last resolve reuse its answer, so a rollout does not poll the remote for each
   * status change; interval requeues and triggers always ask the remote.
   */
  private async resolve(
    key: string,
    spec: SpecLike,
    credentials: GitCredentials | undefined,
    intervalMs: number,
    now: Date,
  ): Promise<string> {
    const source = stableJson({ url: spec.url, ref: spec.ref });
    const last = this.resolved.get(key);
    const forced = this.forced.delete(key);
    if (
      !forced &&
      last !== undefined &&
      last.source === source &&
      now.getTime() - last.at < intervalMs / 2
    ) {
      return last.sha;
    }
    this.resolved.delete(key);
    const { sha } = await this.deps.source.resolve({ url: spec.url, ref: spec.ref, credentials });
    this.resolved.set(key, { source, sha, at: now.getTime() });
    return sha;
  }

  private async fetchFailed(
    key: string,
    err: unknown,
    finish: (o: SyncOutcome, r: Result) => Promise<Result>,
  ): Promise<Result> {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const retryInMs = fetchBackoff(n, this.deps.fetchBackoff ?? defaultFetchBackoff);
    return finish(
      {
        kind: 'fetch-failed',
        message: errorMessage(err),
        stalled: isPermanentGitError(err),
        retryInMs,
      },
      { requeueAfter: retryInMs },
    );
  }

  private async credentials(spec: SpecLike, gs: KubeObject): Promise<GitCredentials | undefined> {
    const ref = spec.secretRef;
    if (ref === undefined) return undefined;
    const namespace = this.scope.namespaced ? gs.metadata.namespace : ref.namespace;
    const secret = await this.deps.reader.get({
      apiVersion: 'v1',
      kind: 'Secret',
      name: ref.name,
      namespace,
    });
    if (secret === undefined) {
      throw Object.assign(
        new Error(`reading spec.secretRef: secret ${namespace ?? ''}/${ref.name} not found`),
        { reason: 'AuthFailed' },
      );
    }
    try {
      return credentialsFromSecret(secret);
    } catch (err) {
      throw Object.assign(new Error(`reading spec.secretRef: ${errorMessage(err)}`), {
        reason: 'AuthFailed',
      });
    }
  }

  private async checkImages(desired: DesiredState, namespace: string): Promise<void> {
    const check = this.deps.checkImage;
    if (check === undefined) return;
    const refs = packageImages(desired.plan, this.scope.namespaced ? namespace : '');
    const seen = new Map<string, Promise<string | undefined>>();
    const problems: string[] = [];
    for (const r of refs) {
      let p = seen.get(r.image);
      if (p === undefined) {
        p = check(r.image).then(
          () => undefined,
          (err: unknown) => errorMessage(err),
        );
        seen.set(r.image, p);
      }
      const problem = await p;
      if (problem !== undefined) problems.push(`${r.object}: spec.image ${r.image}: ${problem}`);
    }
    if (problems.length > 0) {
      throw new Refusal(R.validationFailed, `package image missing: ${problems.join('; ')}`, true);
    }
  }

  /** Creates or updates the OD (and its slices) unless it already holds this desired state. */
  private async writeDeployment(
    gs: KubeObject,
    spec: SpecLike,
    desiredState: DesiredState,
    commit: CommitInfo,
    live: KubeObject | undefined,
  ): Promise<KubeObject> {
    const name = gs.metadata.name ?? '';
    const desired = desiredDeployment(
      desiredState.plan,
      { apiVersion: gs.apiVersion, kind: gs.kind, name, uid: gs.metadata.uid ?? '' },
      { commit, revisionHistoryLimit: spec.revisionHistoryLimit },
    );
    return writeDeploymentAndSlices(this.deps.writer, live, desired, desiredState.plan, {
      upToDate: deploymentUpToDate,
    });
  }
}
