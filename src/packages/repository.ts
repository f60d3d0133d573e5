/**
 * Package repository index (`kubectl package repo`): a multi-document YAML file, a `Repository`
 * header then one `RepositoryEntry` per package image (name, image, digest, versions,
 * constraints). Parsing, adding, removing and encoding are pure; the CLI does the file and
 * registry I/O.
 */
import semver from 'semver';
import { parse as parseYamlDoc, stringify } from 'yaml';
import { UserError } from '../errors.js';

export const repositoryApiVersion = 'manifests.package-operator.run/v1alpha1';
/** Where a repository image keeps the index (Package Operator's `filePathInRepo`). */
export const repositoryImagePath = 'repository/repository.yaml';

export interface RepositoryEntryData {
  /** Package name (the manifest's `metadata.name`). */
  name: string;
  /** Image repository without tag, e.g. `quay.io/org/pkg`. */
  image: string;
  /** Hex digest, without the `sha256:` prefix. */
  digest: string;
  /** `v`-prefixed semver versions, highest first. */
  versions: string[];
  constraints?: unknown[];
}

export interface RepositoryIndex {
  name: string;
  /** Entries by package name, then by digest. */
  packages: Map<string, Map<string, RepositoryEntryData>>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function newRepository(name: string): RepositoryIndex {
  return { name, packages: new Map() };
}

/**
 * Checks a version argument; the message for a non-numeric start matches Package Operator's
 * (`col 1: starts with non-positive integer '@'`).
 */
export function checkVersion(v: string): string {
  const plain = v.startsWith('v') ? v.slice(1) : v;
  const first = plain.charAt(0);
  if (!/[0-9]/.test(first)) {
    throw new UserError(`col ${v === plain ? 1 : 2}: starts with non-positive integer '${first}'`);
  }
  const parsed = semver.parse(plain);
  if (!parsed) throw new UserError(`invalid semantic version ${JSON.stringify(v)}`);
  return `v${parsed.version}`;
}

function sortVersions(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort((a, b) => semver.rcompare(a.slice(1), b.slice(1)));
}

/** Adds an entry; a version already assigned to another digest of the package is an error. */
export function addEntry(repo: RepositoryIndex, entry: RepositoryEntryData): void {
  if (entry.name === '') throw new UserError('repository entry: package name must be not empty');
  if (entry.digest === '') throw new UserError('repository entry: digest must be not empty');
  const versions = entry.versions.map(checkVersion);
  let byDigest = repo.packages.get(entry.name);
  if (!byDigest) repo.packages.set(entry.name, (byDigest = new Map<string, RepositoryEntryData>()));
  for (const [digest, other] of byDigest) {
    if (digest === entry.digest) continue;
    const clash = versions.find((v) => other.versions.includes(v));
    if (clash) {
      throw new UserError(`package ${JSON.stringify(entry.name)} version ${clash} already exists`);
    }
  }
  const existing = byDigest.get(entry.digest);
  byDigest.set(entry.digest, {
    ...entry,
    versions: sortVersions([...(existing?.versions ?? []), ...versions]),
  });
}

/** Removes the entry of a package digest; an unknown package is a no-op, an unknown digest an error. */
export function removeEntry(repo: RepositoryIndex, name: string, digest: string): void {
  const byDigest = repo.packages.get(name);
  if (!byDigest) return;
  if (!byDigest.delete(digest)) {
    throw new UserError(
      `package ${JSON.stringify(name)} digest ${JSON.stringify(digest)} not found`,
    );
  }
  if (byDigest.size === 0) repo.packages.delete(name);
}

/** Documents are separated by `---` lines; the first non-empty one is the `Repository`. */
export function parseRepository(text: string): RepositoryIndex {
  const docs = text
    .split(/^---[ \t]*$/m)
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const [head, ...rest] = docs;
  if (head === undefined) throw new UserError('repository file is empty');
  const header: unknown = parseYamlDoc(head);
  if (!isObj(header) || header.kind !== 'Repository') {
    throw new UserError('repository file: the first document must be a Repository');
  }
  const meta = isObj(header.metadata) ? header.metadata : {};
  const repo = newRepository(typeof meta.name === 'string' ? meta.name : '');
  rest.forEach((d, i) => {
    const doc: unknown = parseYamlDoc(d);
    const at = `repository file: document ${i + 2}`;
    if (!isObj(doc) || doc.kind !== 'RepositoryEntry' || !isObj(doc.data)) {
      throw new UserError(`${at}: not a RepositoryEntry with data`);
    }
    const data = doc.data;
    const m = isObj(doc.metadata) ? doc.metadata : {};
    const name =
      typeof data.name === 'string' ? data.name : typeof m.name === 'string' ? m.name : '';
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const versions = Array.isArray(data.versions) ? data.versions.map(String) : [];
    try {
      addEntry(repo, {
        name,
        image: str(data.image),
        digest: str(data.digest),
        versions,
        ...(Array.isArray(data.constraints) ? { constraints: data.constraints } : {}),
      });
    } catch (err) {
      throw new UserError(`${at}: ${(err as Error).message}`, { cause: err });
    }
  });
  return repo;
}

/** All entries, by package name then highest version. */
export function repositoryEntries(repo: RepositoryIndex): RepositoryEntryData[] {
  return [...repo.packages.keys()]
    .sort()
    .flatMap((n) =>
      [...(repo.packages.get(n)?.values() ?? [])].sort((a, b) =>
        semver.rcompare((a.versions[0] ?? 'v0.0.0').slice(1), (b.versions[0] ?? 'v0.0.0').slice(1)),
      ),
    );
}

/** The file text: `---` before every document, keys sorted like Package Operator's output. */
export function encodeRepository(repo: RepositoryIndex, now: Date = new Date()): string {
  const ts = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const opts = { indentSeq: false, lineWidth: 0 } as const;
  let out = `---\n${stringify(
    {
      apiVersion: repositoryApiVersion,
      kind: 'Repository',
      metadata: { creationTimestamp: ts, name: repo.name },
    },
    opts,
  ).replace(`creationTimestamp: ${ts}`, `creationTimestamp: "${ts}"`)}`;
  for (const e of repositoryEntries(repo)) {
    const data: Obj = {};
    if (e.constraints && e.constraints.length > 0) data.constraints = e.constraints;
    data.digest = e.digest;
    data.image = e.image;
    data.name = e.name;
    data.versions = e.versions;
    out += `---\n${stringify(
      {
        apiVersion: repositoryApiVersion,
        data,
        kind: 'RepositoryEntry',
        metadata: { creationTimestamp: null, name: `${e.name}.${e.digest}` },
      },
      opts,
    )}`;
  }
  return out;
}
