/**
 * Image references with Docker's normalisation: `nginx` is `docker.io/library/nginx:latest`,
 * `index.docker.io` is `docker.io`, a first path component with a `.` or `:` (or `localhost`) is a
 * registry host. Pure: parsing and formatting only.
 */
import { OciError } from './errors.js';

export const dockerHubDomain = 'docker.io';
/** Host that serves the distribution API for `docker.io`. */
export const dockerHubApiHost = 'registry-1.docker.io';
const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export interface ImageReference {
  /** Registry host with optional port, normalised (`docker.io` for Docker Hub). */
  readonly registry: string;
  /** Repository path inside the registry (`library/nginx`). */
  readonly repository: string;
  /** Tag; `latest` when neither tag nor digest was given. */
  readonly tag?: string;
  /** Digest (`sha256:<hex>`); when set, it is what is fetched. */
  readonly digest?: string;
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainComponent = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const tagPattern = /^\w[\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const sha256Pattern = /^sha256:[0-9a-f]{64}$/;
const maxNameLength = 255;

function invalid(input: string, reason: string): OciError {
  return new OciError('invalid-reference', `invalid image reference "${input}": ${reason}`);
}

/** Validates a digest string: `sha256:` and 64 lowercase hex digits (other algorithms are refused). */
export function validateDigest(digest: string): string | undefined {
  if (!digestPattern.test(digest)) return `invalid digest "${digest}"`;
  if (!digest.startsWith('sha256:')) return `unsupported digest algorithm in "${digest}"`;
  if (!sha256Pattern.test(digest)) return `invalid sha256 digest "${digest}"`;
  return undefined;
}

function validHost(host: string): boolean {
  let rest = host;
  const ipv6 = /^\[[0-9a-fA-F:.]+\]/.exec(rest);
  if (ipv6) {
    rest = rest.slice(ipv6[0].length);
    if (rest === '') return true;
    return /^:\d+$/.test(rest);
  }
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    if (!/^\d+$/.test(rest.slice(colon + 1))) return false;
    rest = rest.slice(0, colon);
  }
  return rest.split('.').every((c) => domainComponent.test(c));
}

/**
 * Parses and normalises an image reference: `[host[:port]/]path[:tag][@digest]`. Throws an
 * `OciError` (`invalid-reference`) that says what is wrong.
 */
export function parseReference(input: string): ImageReference {
  if (input === '') throw invalid(input, 'empty reference');
  if (input !== input.trim()) throw invalid(input, 'leading or trailing whitespace');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const bad = validateDigest(digest);
    if (bad) throw invalid(input, bad);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) throw invalid(input, `invalid tag "${tag}"`);
  }
  if (rest === '') throw invalid(input, 'missing repository name');

  let registry = dockerHubDomain;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      if (!validHost(first)) throw invalid(input, `invalid registry host "${first}"`);
      registry = first;
      repository = rest.slice(slash + 1);
    }
  }
  if (dockerHubAliases.has(registry.toLowerCase())) registry = dockerHubDomain;
  if (registry === dockerHubDomain && !repository.includes('/')) {
    repository = `library/${repository}`;
  }
  for (const component of repository.split('/')) {
    if (!pathComponent.test(component)) {
      throw invalid(
        input,
        component.toLowerCase() !== component
          ? 'repository name must be lowercase'
          : `invalid repository path component "${component}"`,
      );
    }
  }
  if (registry.length + 1 + repository.length > maxNameLength) {
    throw invalid(input, `repository name longer than ${maxNameLength} characters`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** `registry/repository` (`docker.io/library/nginx`). */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The fully normalised reference: `docker.io/library/nginx:latest`, `host/repo:tag@sha256:...`. */
export function formatReference(ref: ImageReference): string {
  let out = repositoryName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** What to ask the registry's manifest endpoint for: the digest if present, else the tag. */
export function manifestIdentifier(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** The same repository with another tag (drops any digest). */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  if (!tagPattern.test(tag)) throw invalid(`${repositoryName(ref)}:${tag}`, `invalid tag "${tag}"`);
  return { registry: ref.registry, repository: ref.repository, tag };
}

/** The same repository pinned to a digest (drops the tag). */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  const bad = validateDigest(digest);
  if (bad) throw invalid(`${repositoryName(ref)}@${digest}`, bad);
  return { registry: ref.registry, repository: ref.repository, digest };
}

/**
 * `<repository>@<digest>` the way Package Operator writes image digests (go-containerregistry's
 * `Repository.Digest(d).String()`): Docker Hub is spelled `index.docker.io`.
 */
export function imageWithDigest(ref: ImageReference | string, digest: string): string {
  const r = typeof ref === 'string' ? parseReference(ref) : ref;
  const pinned = withDigest(r, digest);
  const host = pinned.registry === dockerHubDomain ? 'index.docker.io' : pinned.registry;
  return `${host}/${pinned.repository}@${digest}`;
}

/**
 * Replaces the registry of an image reference, like Package Operator's `PKO_REPOSITORY_HOST` handling
 * (`ImageURLWithOverride`): the result is the full name, `<host>/<repo>:<tag>` or `<host>/<repo>@<digest>`
 * (a digest wins over a tag; Docker Hub is spelled `index.docker.io`). An empty host changes nothing.
 */
export function overrideRegistry(image: string, host: string): string {
  if (host === '') return image;
  if (!validHost(host) || host.includes('/')) {
    throw new OciError(
      'invalid-reference',
      `image registry override: invalid registry host "${host}"`,
    );
  }
  const ref = parseReference(image);
  const registry = dockerHubAliases.has(host.toLowerCase()) ? 'index.docker.io' : host;
  const base = `${registry}/${ref.repository}`;
  return ref.digest !== undefined ? `${base}@${ref.digest}` : `${base}:${ref.tag ?? 'latest'}`;
}

/** Host that serves the distribution API for a reference's registry. */
export function apiHost(registry: string): string {
  return registry === dockerHubDomain ? dockerHubApiHost : registry;
}

/** Whether a string is a syntactically valid tag. */
export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag);
}
