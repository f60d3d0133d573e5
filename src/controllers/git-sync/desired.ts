/**
 * The (Cluster)ObjectDeployment written for a GitSync commit (pure): the deploy plan's OD with a
 * controller ownerRef to the GitSync, `revisionHistoryLimit`, the GitSync label, and the commit in
 * annotations (copied by the ObjectDeployment controller onto the revision's ObjectSet). Also
 * whether the live OD already matches, so an unchanged commit writes nothing.
 */
import { createHash } from 'node:crypto';
import { annotations as A, labels as L } from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import type { DeployPlan } from '../../packages/index.js';
import { stableJson } from '../package/hash.js';
import { controllerRef, type OwnerInfo } from '../package/desired.js';

export const commitAnnotations = {
  commit: A.commit,
  message: 'packsync.dev/commit-message',
  author: 'packsync.dev/commit-author',
  changeCause: A.changeCause,
} as const;

/** Longest commit message (first line) kept in annotations. */
export const maxMessageLength = 200;

export interface CommitInfo {
  sha: string;
  message: string;
  author: { name: string; email: string; timestamp?: number };
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** The first line of a commit message, trimmed and cut at `maxMessageLength` characters. */
export function commitSubject(message: string): string {
  const first = (message.split('\n', 1)[0] ?? '').trim();
  return first.length <= maxMessageLength ? first : `${first.slice(0, maxMessageLength - 1)}…`;
}

/** `packsync.dev/commit`, `-message`, `-author` and `kubernetes.io/change-cause`. */
export function annotationsForCommit(commit: CommitInfo): Record<string, string> {
  const subject = commitSubject(commit.message);
  const email = commit.author.email ? ` <${commit.author.email}>` : '';
  return {
    [commitAnnotations.commit]: commit.sha,
    [commitAnnotations.message]: subject,
    [commitAnnotations.author]: `${commit.author.name}${email}`,
    [commitAnnotations.changeCause]: `commit ${shortSha(commit.sha)}: ${subject}`,
  };
}

/** The desired OD for `gitSync` (its apiVersion, kind, name and uid). */
export function desiredDeployment(
  plan: DeployPlan,
  gitSync: OwnerInfo,
  opts: { commit: CommitInfo; revisionHistoryLimit: number },
): KubeObject {
  const od = plan.objectDeployment;
  return withDesiredHash({
    apiVersion: od.apiVersion,
    kind: od.kind,
    metadata: {
      ...od.metadata,
      labels: { ...od.metadata.labels, [L.gitSync]: gitSync.name },
      annotations: { ...od.metadata.annotations, ...annotationsForCommit(opts.commit) },
      ownerReferences: [controllerRef(gitSync)],
    },
    spec: { ...od.spec, revisionHistoryLimit: opts.revisionHistoryLimit },
  });
}

/** Annotation holding the hash of the OD as last written, so an unchanged one is not rewritten. */
export const desiredHashAnnotation = 'packsync.dev/desired-hash';

function desiredHash(desired: KubeObject): string {
  return createHash('sha256')
    .update(
      stableJson({
        labels: desired.metadata.labels,
        annotations: desired.metadata.annotations,
        ownerReferences: desired.metadata.ownerReferences,
        spec: desired.spec,
      }),
    )
    .digest('hex')
    .slice(0, 16);
}

/** `desired` with its hash annotation set. */
function withDesiredHash(desired: KubeObject): KubeObject {
  return {
    ...desired,
    metadata: {
      ...desired.metadata,
      annotations: {
        ...desired.metadata.annotations,
        [desiredHashAnnotation]: desiredHash(desired),
      },
    },
  };
}

/** True when `live` was last written from this very `desired` (by its hash annotation). */
export function deploymentUpToDate(live: KubeObject, desired: KubeObject): boolean {
  const want = desired.metadata.annotations?.[desiredHashAnnotation];
  return want !== undefined && live.metadata.annotations?.[desiredHashAnnotation] === want;
}
