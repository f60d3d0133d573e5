/**
 * `PackageManifest` and `PackageManifestLock` (manifests.package-operator.run/v1alpha1) as the
 * package loader reads them: decoded from YAML with `kubectl package`'s error texts, every list and
 * object present (absent ones as empty), so that `validateManifest` can report all of Package
 * Operator's field errors at once in its order and wording. Group, version, scopes and the leaf
 * types are `src/apis`'; the `src/apis` schemas themselves are stricter (typed probes, platform
 * names, required lock versions) than what the loader accepts, so the decoding stays here.
 */
import {
  manifestsGroup as manifestGroup,
  manifestsVersion,
  packageManifestScopes as packageScopes,
  type PackageManifestImage,
  type PackageManifestLockImage,
  type PackageManifestPhase,
  type PackageManifestScope as PackageScope,
} from '../apis/index.js';
import { parseYaml } from './yaml.js';
import { ViolationError, violationReasons } from './errors.js';

export type { PackageManifestImage, PackageManifestLockImage, PackageManifestPhase, PackageScope };

const supportedManifestVersions = [manifestsVersion] as const;

export interface PackageManifestFilter {
  conditions: { name: string; expression: string }[];
  paths: { glob: string; expression: string }[];
}

export interface PackageManifestConstraint {
  platform?: string[];
  platformVersion?: { name: string; range: string };
  uniqueInScope?: Record<string, unknown>;
}

export interface TemplateTestContext {
  package?: {
    metadata?: {
      name?: string;
      namespace?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    image?: string;
  };
  config?: Record<string, unknown>;
  environment?: Record<string, unknown>;
}

export interface PackageManifestTestCase {
  name: string;
  context: TemplateTestContext;
}

export interface PackageManifest {
  apiVersion: string;
  kind: 'PackageManifest';
  metadata: { name: string; [k: string]: unknown };
  spec: {
    scopes: PackageScope[];
    phases: PackageManifestPhase[];
    availabilityProbes: unknown[];
    config: { openAPIV3Schema?: Record<string, unknown> };
    images: PackageManifestImage[];
    /** Present (as `{}`) for multi-component packages. */
    components?: Record<string, unknown>;
    filter: PackageManifestFilter;
    constraints: PackageManifestConstraint[];
    repositories: unknown[];
    dependencies: unknown[];
  };
  test: {
    template: PackageManifestTestCase[];
    kubeconform?: { kubernetesVersion: string; schemaLocations?: string[] };
  };
}

export interface PackageManifestLockDependency extends PackageManifestLockImage {
  version?: string;
}

export interface PackageManifestLock {
  apiVersion: string;
  kind: 'PackageManifestLock';
  metadata: Record<string, unknown>;
  spec: { images: PackageManifestLockImage[]; dependencies: PackageManifestLockDependency[] };
}

/** A decoding problem at a field path; becomes a `PackageManifest invalid` violation. */
class DecodeError extends Error {}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, at: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new DecodeError(`${at}: must be an object`);
  return v;
}

function list(v: unknown, at: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${at}: must be a list`);
  return v as unknown[];
}

function str(v: unknown, at: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new DecodeError(`${at}: must be a string`);
  return v;
}

function optStr(v: unknown, at: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, at);
}

function strMap(v: unknown, at: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, at);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) out[k] = str(val, `${at}.${k}`);
  return out;
}

interface TypeMeta {
  group: string;
  version: string;
  kind: string;
}

function typeMeta(doc: Obj): TypeMeta {
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  const kind = typeof doc.kind === 'string' ? doc.kind : '';
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion, kind }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

function gvkString(t: TypeMeta): string {
  return `${t.group}/${t.version}, Kind=${t.kind}`;
}

/**
 * Parses one YAML document, checks its group, kind and version and decodes it with `fromObject`;
 * every problem is an `invalid` violation of `path`.
 */
function decodeTyped<T>(
  path: string,
  bytes: Uint8Array,
  kind: 'PackageManifest' | 'PackageManifestLock',
  invalid: typeof violationReasons.manifestInvalid | typeof violationReasons.manifestLockInvalid,
  fromObject: (doc: Obj) => T,
): T {
  let doc: unknown;
  try {
    doc = parseYaml(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ViolationError({ reason: invalid, path, details: (err as Error).message });
  }
  if (!isObj(doc)) {
    throw new ViolationError({ reason: invalid, path, details: 'not a YAML object' });
  }
  const tm = typeMeta(doc);
  if (tm.group !== manifestGroup || tm.kind !== kind) {
    throw new ViolationError({
      reason: violationReasons.unknownGVK,
      path,
      details: gvkString(tm),
    });
  }
  if (!(supportedManifestVersions as readonly string[]).includes(tm.version)) {
    throw new ViolationError({
      reason: invalid,
      path,
      details: `unsupported version ${JSON.stringify(tm.version)}, supported versions: [${supportedManifestVersions.join(', ')}]`,
    });
  }
  try {
    return fromObject(doc);
  } catch (err) {
    if (err instanceof DecodeError) {
      throw new ViolationError({ reason: invalid, path, details: err.message });
    }
    throw err;
  }
}

/** Decodes a `PackageManifest` file (types only; see validateManifest for the rules). */
export function decodeManifest(path: string, bytes: Uint8Array): PackageManifest {
  return decodeTyped(
    path,
    bytes,
    'PackageManifest',
    violationReasons.manifestInvalid,
    manifestFromObject,
  );
}

function manifestFromObject(doc: Obj): PackageManifest {
  const metadata = obj(doc.metadata, 'metadata');
  const spec = obj(doc.spec, 'spec');
  const test = obj(doc.test, 'test');
  const config = obj(spec.config, 'spec.config');
  const filter = obj(spec.filter, 'spec.filter');
  const schema = config.openAPIV3Schema;
  const out: PackageManifest = {
    apiVersion: str(doc.apiVersion, 'apiVersion'),
    kind: 'PackageManifest',
    metadata: { ...metadata, name: str(metadata.name, 'metadata.name') },
    spec: {
      scopes: list(spec.scopes, 'spec.scopes').map((s, i) => {
        const v = str(s, `spec.scopes[${i}]`);
        if (!(packageScopes as readonly string[]).includes(v)) {
          throw new DecodeError(
            `spec.scopes[${i}]: Unsupported value: ${JSON.stringify(v)}: supported values: "Cluster", "Namespaced"`,
          );
        }
        return v as PackageScope;
      }),
      phases: list(spec.phases, 'spec.phases').map((p, i) => {
        const o = obj(p, `spec.phases[${i}]`);
        const cls = optStr(o.class, `spec.phases[${i}].class`);
        return {
          name: str(o.name, `spec.phases[${i}].name`),
          ...(cls ? { class: cls } : {}),
        };
      }),
      availabilityProbes: list(spec.availabilityProbes, 'spec.availabilityProbes').map((p, i) =>
        obj(p, `spec.availabilityProbes[${i}]`),
      ),
      config:
        schema === undefined || schema === null
          ? {}
          : { openAPIV3Schema: obj(schema, 'spec.config.openAPIV3Schema') },
      images: list(spec.images, 'spec.images').map((p, i) => {
        const o = obj(p, `spec.images[${i}]`);
        return {
          name: str(o.name, `spec.images[${i}].name`),
          image: str(o.image, `spec.images[${i}].image`),
        };
      }),
      filter: {
        conditions: list(filter.conditions, 'spec.filter.conditions').map((c, i) => {
          const o = obj(c, `spec.filter.conditions[${i}]`);
          return {
            name: str(o.name, `spec.filter.conditions[${i}].name`),
            expression: str(o.expression, `spec.filter.conditions[${i}].expression`),
          };
        }),
        paths: list(filter.paths, 'spec.filter.paths').map((c, i) => {
          const o = obj(c, `spec.filter.paths[${i}]`);
          return {
            glob: str(o.glob, `spec.filter.paths[${i}].glob`),
            expression: str(o.expression, `spec.filter.paths[${i}].expression`),
          };
        }),
      },
      constraints: list(spec.constraints, 'spec.constraints').map((c, i) =>
        decodeConstraint(obj(c, `spec.constraints[${i}]`), `spec.constraints[${i}]`),
      ),
      repositories: list(spec.repositories, 'spec.repositories'),
      dependencies: list(spec.dependencies, 'spec.dependencies'),
    },
    test: {
      template: list(test.template, 'test.template').map((t, i) => {
        const o = obj(t, `test.template[${i}]`);
        return {
          name: str(o.name, `test.template[${i}].name`),
          context: decodeTestContext(obj(o.context, `test.template[${i}].context`), i),
        };
      }),
    },
  };
  if (spec.components !== undefined && spec.components !== null) {
    out.spec.components = obj(spec.components, 'spec.components');
  }
  if (test.kubeconform !== undefined && test.kubeconform !== null) {
    const kc = obj(test.kubeconform, 'test.kubeconform');
    out.test.kubeconform = {
      kubernetesVersion: str(kc.kubernetesVersion, 'test.kubeconform.kubernetesVersion'),
      schemaLocations: list(kc.schemaLocations, 'test.kubeconform.schemaLocations').map((s, i) =>
        str(s, `test.kubeconform.schemaLocations[${i}]`),
      ),
    };
  }
  return out;
}

function decodeConstraint(o: Obj, at: string): PackageManifestConstraint {
  const c: PackageManifestConstraint = {};
  if (o.platform !== undefined && o.platform !== null) {
    c.platform = list(o.platform, `${at}.platform`).map((p, i) => str(p, `${at}.platform[${i}]`));
  }
  if (o.platformVersion !== undefined && o.platformVersion !== null) {
    const pv = obj(o.platformVersion, `${at}.platformVersion`);
    c.platformVersion = {
      name: str(pv.name, `${at}.platformVersion.name`),
      range: str(pv.range, `${at}.platformVersion.range`),
    };
  }
  if (o.uniqueInScope !== undefined && o.uniqueInScope !== null) {
    c.uniqueInScope = obj(o.uniqueInScope, `${at}.uniqueInScope`);
  }
  return c;
}

function decodeTestContext(o: Obj, i: number): TemplateTestContext {
  const at = `test.template[${i}].context`;
  const ctx: TemplateTestContext = {};
  if (o.package !== undefined && o.package !== null) {
    const p = obj(o.package, `${at}.package`);
    const m = obj(p.metadata, `${at}.package.metadata`);
    const labels = strMap(m.labels, `${at}.package.metadata.labels`);
    const annotations = strMap(m.annotations, `${at}.package.metadata.annotations`);
    const image = optStr(p.image, `${at}.package.image`);
    ctx.package = {
      metadata: {
        name: str(m.name, `${at}.package.metadata.name`),
        namespace: str(m.namespace, `${at}.package.metadata.namespace`),
        ...(labels ? { labels } : {}),
        ...(annotations ? { annotations } : {}),
      },
      ...(image !== undefined ? { image } : {}),
    };
  }
  if (o.config !== undefined && o.config !== null) ctx.config = obj(o.config, `${at}.config`);
  if (o.environment !== undefined && o.environment !== null) {
    ctx.environment = obj(o.environment, `${at}.environment`);
  }
  return ctx;
}

/** Decodes a `PackageManifestLock` file. */
export function decodeManifestLock(path: string, bytes: Uint8Array): PackageManifestLock {
  return decodeTyped(
    path,
    bytes,
    'PackageManifestLock',
    violationReasons.manifestLockInvalid,
    lockFromObject,
  );
}

function lockFromObject(doc: Obj): PackageManifestLock {
  const spec = obj(doc.spec, 'spec');
  const entry = (e: unknown, at: string): PackageManifestLockDependency => {
    const o = obj(e, at);
    const version = optStr(o.version, `${at}.version`);
    return {
      name: str(o.name, `${at}.name`),
      image: str(o.image, `${at}.image`),
      digest: str(o.digest, `${at}.digest`),
      ...(version !== undefined ? { version } : {}),
    };
  };
  return {
    apiVersion: str(doc.apiVersion, 'apiVersion'),
    kind: 'PackageManifestLock',
    metadata: obj(doc.metadata, 'metadata'),
    spec: {
      images: list(spec.images, 'spec.images').map((e, i) => {
        const { name, image, digest } = entry(e, `spec.images[${i}]`);
        return { name, image, digest };
      }),
      dependencies: list(spec.dependencies, 'spec.dependencies').map((e, i) =>
        entry(e, `spec.dependencies[${i}]`),
      ),
    },
  };
}
