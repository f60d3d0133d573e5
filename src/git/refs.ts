/**
 * Picks the commit a GitRef names from a list of refs (a server's advertisement, or a local
 * repository's refs): branch, tag (peeled to its commit), the highest tag matching a semver range,
 * or a commit. Pure: refs in, choice out.
 */
import semver from 'semver';

import type { GitRef } from '../apis/index.js';

export interface AdvertisedRef {
  /** Full name: `refs/heads/main`, `refs/tags/v1.0.0`, `HEAD`. */
  ref: string;
  oid: string;
  /** For an annotated tag: the commit it points at. */
  peeled?: string | undefined;
}

export type RefChoice =
  | { kind: 'found'; sha: string; refName: string }
  /** A commit ref not at any advertised tip: the caller must look in fetched history. */
  | { kind: 'commit'; commit: string }
  | { kind: 'missing'; message: string };

/** The commit a ref points at (tags peeled). */
function target(r: AdvertisedRef): string {
  return r.peeled ?? r.oid;
}

/** Short human form of a GitRef, for messages: `branch main`, `semver >=1.0.0`. */
export function describeRef(ref: GitRef): string {
  if (ref.branch !== undefined) return `branch ${ref.branch}`;
  if (ref.tag !== undefined) return `tag ${ref.tag}`;
  if (ref.semver !== undefined) return `semver ${ref.semver}`;
  if (ref.commit !== undefined) return `commit ${ref.commit}`;
  return 'an empty ref';
}

/**
 * Highest tag whose name (with or without a leading `v`) is a version in `range`. Pre-releases
 * match only when the range names one (semver's default).
 */
export function highestSemverTag(
  tags: readonly string[],
  range: string,
): { tag: string; version: string } | undefined {
  let best: { tag: string; version: string } | undefined;
  for (const tag of tags) {
    const version = semver.valid(tag);
    if (version === null || !semver.satisfies(version, range)) continue;
    // On equal versions the plain name wins over the `v` form, then the lexically smaller.
    if (
      !best ||
      semver.gt(version, best.version) ||
      (semver.eq(version, best.version) && tag < best.tag)
    ) {
      best = { tag, version };
    }
  }
  return best;
}

export function chooseRef(refs: readonly AdvertisedRef[], ref: GitRef): RefChoice {
  const byName = new Map(refs.map((r) => [r.ref, r]));
  if (ref.branch !== undefined) {
    const name = ref.branch.startsWith('refs/') ? ref.branch : `refs/heads/${ref.branch}`;
    const r = byName.get(name);
    return r
      ? { kind: 'found', sha: target(r), refName: name }
      : { kind: 'missing', message: `branch ${ref.branch} not found` };
  }
  if (ref.tag !== undefined) {
    const name = ref.tag.startsWith('refs/') ? ref.tag : `refs/tags/${ref.tag}`;
    const r = byName.get(name);
    return r
      ? { kind: 'found', sha: target(r), refName: name }
      : { kind: 'missing', message: `tag ${ref.tag} not found` };
  }
  if (ref.semver !== undefined) {
    if (semver.validRange(ref.semver) === null) {
      return { kind: 'missing', message: `invalid semver range ${JSON.stringify(ref.semver)}` };
    }
    const tags = refs
      .filter((r) => r.ref.startsWith('refs/tags/') && !r.ref.endsWith('^{}'))
      .map((r) => r.ref.slice('refs/tags/'.length));
    const best = highestSemverTag(tags, ref.semver);
    if (!best) return { kind: 'missing', message: `no tag matches semver ${ref.semver}` };
    const name = `refs/tags/${best.tag}`;
    return { kind: 'found', sha: target(byName.get(name) as AdvertisedRef), refName: name };
  }
  if (ref.commit !== undefined) {
    const commit = ref.commit.toLowerCase();
    const tips = [...new Set(refs.map(target).filter((oid) => oid.startsWith(commit)))];
    if (tips.length === 1)
      return { kind: 'found', sha: tips[0] as string, refName: tips[0] as string };
    if (tips.length > 1) return { kind: 'missing', message: `commit ${ref.commit} is ambiguous` };
    return { kind: 'commit', commit };
  }
  return { kind: 'missing', message: 'no ref given' };
}
