/**
 * Every kind packsync knows, by name, and the parse helpers that check an unknown value against a
 * kind's schema (defaults applied, unknown fields pruned, errors as `path: message`).
 */
import { UserError } from '../errors.js';
import { parseWith, type ParseResult } from './schema.js';
import type { KindDef, KindInput, KindType } from './kind.js';
import * as core from './core-v1alpha1.js';
import * as manifests from './manifests-v1alpha1.js';
import * as packsync from './packsync-v1alpha1.js';

export const kinds = {
  Package: core.Package,
  ClusterPackage: core.ClusterPackage,
  ObjectDeployment: core.ObjectDeployment,
  ClusterObjectDeployment: core.ClusterObjectDeployment,
  ObjectSet: core.ObjectSet,
  ClusterObjectSet: core.ClusterObjectSet,
  ObjectSetPhase: core.ObjectSetPhase,
  ClusterObjectSetPhase: core.ClusterObjectSetPhase,
  ObjectSlice: core.ObjectSlice,
  ClusterObjectSlice: core.ClusterObjectSlice,
  ObjectTemplate: core.ObjectTemplate,
  ClusterObjectTemplate: core.ClusterObjectTemplate,
  PackageManifest: manifests.PackageManifest,
  PackageManifestLock: manifests.PackageManifestLock,
  Repository: manifests.Repository,
  RepositoryEntry: manifests.RepositoryEntry,
  GitSync: packsync.GitSync,
  ClusterGitSync: packsync.ClusterGitSync,
} as const;

export type KindName = keyof typeof kinds;
/** The parsed object type of each kind, e.g. `KindObject<'Package'>`. */
export type KindObject<K extends KindName> = KindType<(typeof kinds)[K]>;
/**
 * What a writer of a kind may give, e.g. `KindObjectInput<'ObjectDeployment'>`: fields that have
 * defaults (and `status`, `apiVersion`, `kind`) may be left out. Parse it to get a `KindObject`.
 */
export type KindObjectInput<K extends KindName> = KindInput<(typeof kinds)[K]>;
/** Any parsed object, discriminated by `kind`. */
export type AnyKindObject = { [K in KindName]: KindObject<K> }[KindName];

export const kindNames = Object.keys(kinds) as KindName[];

/** Kinds that are custom resources (everything but the manifest file formats). */
export function customResourceKinds(): KindDef[] {
  return kindNames.map((k) => kinds[k] as KindDef).filter((d) => d.crd !== undefined);
}

/** The kind registered for `apiVersion` + `kind`, if any. */
export function lookupKind(apiVersion: string, kind: string): KindName | undefined {
  const name = kindNames.find((k) => kinds[k].kind === kind && kinds[k].apiVersion === apiVersion);
  return name;
}

/** Parses `input` as `kind`: the typed object with defaults applied, or `path: message` errors. */
export function parseObject<K extends KindName>(
  kind: K,
  input: unknown,
): ParseResult<KindObject<K>> {
  return parseWith((kinds[kind] as KindDef<KindObject<K>, unknown>).schema, input);
}

/**
 * Parses only `metadata` and `status` of `input` as `kind` (see `KindDef.metadataAndStatus`): the
 * parts of a new resourceVersion of a generation already parsed in full.
 */
export function parseMetadataAndStatus<K extends KindName>(
  kind: K,
  input: unknown,
): ParseResult<Partial<KindObject<K>>> {
  return parseWith(
    (kinds[kind] as KindDef<KindObject<K>, unknown>).metadataAndStatus as never,
    input,
  );
}

/**
 * Parses an object of any known kind, picked by its `apiVersion` and `kind`. An unknown GVK is an
 * error (`unknown GVK <apiVersion>, Kind=<kind>`), a known group with another version lists the
 * versions there are.
 */
export function parseAnyObject(input: unknown): ParseResult<AnyKindObject> {
  const obj = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const name = lookupKind(apiVersion, kind);
  if (name !== undefined) return parseObject(name, input);
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const versions = kindNames
    .map((k) => kinds[k] as KindDef)
    .filter((d) => d.group === group && d.kind === kind)
    .map((d) => d.version);
  if (versions.length > 0) {
    return {
      ok: false,
      errors: [
        `unsupported version ${apiVersion} of ${kind}: supported versions: ${versions.join(', ')}`,
      ],
    };
  }
  return { ok: false, errors: [`unknown GVK ${apiVersion}, Kind=${kind}`] };
}

/**
 * Like `parseObject`, but throws a `UserError`:
 * `invalid <Kind>[ "<name>"][ in <where>]: <path: message>, <path: message>`.
 */
export function mustParseObject<K extends KindName>(
  kind: K,
  input: unknown,
  where?: string,
): KindObject<K> {
  const r = parseObject(kind, input);
  if (r.ok) return r.value;
  const meta = (input as { metadata?: { name?: unknown } } | null)?.metadata;
  const name = typeof meta?.name === 'string' ? ` "${meta.name}"` : '';
  const place = where === undefined ? '' : ` in ${where}`;
  throw new UserError(`invalid ${kind}${name}${place}: ${r.errors.join(', ')}`);
}
