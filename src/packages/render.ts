/**
 * Rendering: `Package` + context -> `PackageInstance`. Templates run as one set, YAML files become
 * objects (labelled with the package and instance), validators check them, and CEL conditions
 * (named conditions, path globs, the condition annotation) filter them. Pure: no I/O.
 */
import picomatch from 'picomatch';
import { UserError } from '../errors.js';
import type { CelEvaluator, TemplateEngine } from './capabilities.js';
import { ViolationError, violationReasons, withContext } from './errors.js';
import type { PackageManifest } from './manifest.js';
import {
  annotationsOf,
  comparePaths,
  defaultObjectValidators,
  nameOf,
  namespacedPackageValidator,
  runObjectValidators,
  type ObjectValidator,
} from './object-validators.js';
import {
  conditionAnnotation,
  instanceLabel,
  packageLabel,
  type Files,
  type KubeObject,
  type Package,
  type PackageInstance,
  type TemplateContext,
} from './types.js';
import { parseYaml, splitYamlDocuments } from './yaml.js';
import { checkConstraints } from './constraints.js';

export interface RenderCapabilities {
  /** Needed only when the package has `.gotmpl` files. */
  templates?: TemplateEngine | undefined;
  /** Needed only when the package uses CEL (filters, condition annotations, `cel`). */
  cel?: CelEvaluator | undefined;
}

const templateSuffix = '.gotmpl';

export function isTemplateFile(path: string): boolean {
  return path.endsWith(templateSuffix);
}

export function isYamlFile(path: string): boolean {
  return path.endsWith('.yaml') || path.endsWith('.yml');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The JSON round trip Package Operator gives the context (also what CEL sees). */
export function contextData(ctx: TemplateContext): Record<string, unknown> {
  return JSON.parse(JSON.stringify(ctx)) as Record<string, unknown>;
}

function requireCel(caps: RenderCapabilities): CelEvaluator {
  if (!caps.cel) throw new UserError('evaluating CEL: no CEL evaluator available');
  return caps.cel;
}

/**
 * Runs every `.gotmpl` file and returns the package files with each result added under its name
 * without `.gotmpl` (template sources stay in the map, as in Package Operator).
 */
export function renderTemplates(
  files: Files,
  ctx: TemplateContext,
  caps: RenderCapabilities,
): Map<string, Uint8Array> {
  const out = new Map(files);
  const templatePaths = [...files.keys()].filter(isTemplateFile).sort();
  if (templatePaths.length === 0) return out;
  if (!caps.templates) {
    throw new UserError('rendering templates: no template engine available');
  }
  const data = contextData(ctx);
  let bound: ((expression: string) => boolean) | undefined;
  const sources = new Map(templatePaths.map((p) => [p, decoder.decode(files.get(p))]));
  const set = caps.templates.parse(sources, {
    getFile: (p) => {
      const b = out.get(p);
      return b === undefined ? undefined : decoder.decode(b);
    },
    listFiles: () => [...out.keys()].sort(),
    cel: (expr) => (bound ??= requireCel(caps).bind(data))(expr),
  });
  for (const path of templatePaths) {
    let text: string;
    try {
      text = set.execute(path, data);
    } catch (err) {
      throw withContext(`executing template from ${path}`, err);
    }
    out.set(path.slice(0, -templateSuffix.length), encoder.encode(text));
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Compact JSON with sorted keys, as Go marshals a map. */
function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'value';
}

/** Parses one file into objects; documents that are empty produce none. */
export function parseObjects(
  manifest: PackageManifest,
  instanceName: string,
  path: string,
  content: string,
): KubeObject[] {
  const objects: KubeObject[] = [];
  splitYamlDocuments(content).forEach((doc, index) => {
    let value: unknown;
    try {
      value = parseYaml(doc);
    } catch (err) {
      throw new ViolationError({
        reason: violationReasons.invalidYAML,
        details: `error converting YAML to JSON: ${(err as Error).message}`,
        path,
        index,
        subject: doc,
      });
    }
    if (value === null || value === undefined) return;
    if (!isObj(value)) {
      throw new ViolationError({
        reason: violationReasons.invalidYAML,
        details: `error unmarshaling JSON: json: cannot unmarshal ${goTypeName(value)} into Go value of type map[string]interface {}`,
        path,
        index,
        subject: doc,
      });
    }
    if (Object.keys(value).length === 0) return;
    if (typeof value.kind !== 'string' || value.kind === '') {
      throw new ViolationError({
        reason: violationReasons.invalidYAML,
        details: `Object 'Kind' is missing in '${goJson(value)}'`,
        path,
        index,
        subject: doc,
      });
    }
    const metadata = isObj(value.metadata) ? value.metadata : {};
    const labels = isObj(metadata.labels) ? metadata.labels : {};
    value.metadata = {
      ...metadata,
      labels: { ...labels, [packageLabel]: manifest.metadata.name, [instanceLabel]: instanceName },
    };
    objects.push(value);
  });
  return objects;
}

export interface RenderedObjects {
  /** Package files after templating (template sources included). */
  files: ReadonlyMap<string, Uint8Array>;
  /**
   * Objects by path after filtering. A path whose objects were all removed by the condition
   * annotation keeps an empty list; paths excluded by `spec.filter.paths` are gone.
   */
  pathObjects: ReadonlyMap<string, KubeObject[]>;
  /** Indexes (into the path's object list) removed by the condition annotation. */
  filteredIndexes: ReadonlyMap<string, number[]>;
  /** Paths excluded by a `spec.filter.paths` glob. */
  excludedPaths: ReadonlySet<string>;
}

/** Named conditions, evaluated in order without `cond`; the result becomes `cond`. */
function evaluateConditions(
  manifest: PackageManifest,
  data: Record<string, unknown>,
  cel: () => CelEvaluator,
): Record<string, boolean> {
  const cond: Record<string, boolean> = {};
  if (manifest.spec.filter.conditions.length === 0) return cond;
  const evaluate = cel().bind(data);
  for (const c of manifest.spec.filter.conditions) {
    try {
      cond[c.name] = evaluate(c.expression);
    } catch (err) {
      throw withContext(`evaluating condition ${JSON.stringify(c.name)}`, err);
    }
  }
  return cond;
}

/** Renders templates, parses objects, validates them and applies the CEL filters. */
export function renderObjects(
  pkg: Package,
  ctx: TemplateContext,
  caps: RenderCapabilities,
  validators: readonly ObjectValidator[] = defaultObjectValidators,
): RenderedObjects {
  const files = renderTemplates(pkg.files, ctx, caps);
  const pathObjects = new Map<string, KubeObject[]>();
  for (const [path, bytes] of files) {
    if (baseName(path).startsWith('_') || !isYamlFile(path)) continue;
    const objects = parseObjects(
      pkg.manifest,
      ctx.package.metadata.name,
      path,
      decoder.decode(bytes),
    );
    if (objects.length > 0) pathObjects.set(path, objects);
  }
  runObjectValidators(validators, pkg.manifest, pathObjects);

  const filter = pkg.manifest.spec.filter;
  const usesCel =
    filter.conditions.length > 0 ||
    filter.paths.length > 0 ||
    [...pathObjects.values()].some((objs) =>
      objs.some((o) => conditionAnnotation in annotationsOf(o)),
    );
  const filteredIndexes = new Map<string, number[]>();
  const excludedPaths = new Set<string>();
  if (!usesCel) return { files, pathObjects, filteredIndexes, excludedPaths };

  const data = contextData(ctx);
  const cel = () => requireCel(caps);
  const cond = evaluateConditions(pkg.manifest, data, cel);
  const evaluate = cel().bind({ ...data, cond });
  const excludeGlobs: string[] = [];
  for (const p of filter.paths) {
    let keep: boolean;
    try {
      keep = evaluate(p.expression);
    } catch (err) {
      throw withContext(`invalid spec.filter.paths expression: ${p.glob}`, err);
    }
    if (!keep) excludeGlobs.push(p.glob);
  }
  const excluded = excludeGlobs.length
    ? picomatch(excludeGlobs, { dot: true, noextglob: true, nobrace: false })
    : () => false;
  for (const [path, objects] of [...pathObjects.entries()]) {
    if (excluded(path)) {
      pathObjects.delete(path);
      excludedPaths.add(path);
      continue;
    }
    const kept: KubeObject[] = [];
    const removed: number[] = [];
    objects.forEach((obj, i) => {
      const expr = annotationsOf(obj)[conditionAnnotation];
      if (expr === undefined) {
        kept.push(obj);
        return;
      }
      let ok: boolean;
      try {
        ok = evaluate(expr);
      } catch (err) {
        throw new ViolationError({
          reason: violationReasons.invalidCELExpression,
          details: (err as Error).message,
          subject: nameOf(obj),
        });
      }
      if (ok) kept.push(obj);
      else removed.push(i);
    });
    pathObjects.set(path, kept);
    if (removed.length > 0) filteredIndexes.set(path, removed);
  }
  return { files, pathObjects, filteredIndexes, excludedPaths };
}

/** Objects in render order: path order (component-wise), then document order. */
export function orderedObjects(
  pathObjects: ReadonlyMap<string, readonly KubeObject[]>,
): KubeObject[] {
  return [...pathObjects.keys()].sort(comparePaths).flatMap((p) => pathObjects.get(p) ?? []);
}

export interface RenderPackageOptions {
  /** Check `spec.constraints` against `.environment` (a failed constraint blocks). */
  checkConstraints?: boolean;
  /** Extra object validators (after the defaults and the namespace rules). */
  validators?: readonly ObjectValidator[];
}

/**
 * Renders a package for one context. The scope is Cluster when the context namespace is empty,
 * Namespaced otherwise, and must be allowed by the manifest.
 */
export function renderPackage(
  pkg: Package,
  ctx: TemplateContext,
  caps: RenderCapabilities,
  opts: RenderPackageOptions = {},
): PackageInstance {
  const namespace = ctx.package.metadata.namespace;
  const scope = namespace === '' ? 'Cluster' : 'Namespaced';
  if (!pkg.manifest.spec.scopes.includes(scope)) {
    throw new ViolationError({
      reason: violationReasons.unsupportedScope,
      details: `${scope} is not one of the scopes of the package: [${pkg.manifest.spec.scopes.join(', ')}]`,
    });
  }
  if (opts.checkConstraints) checkConstraints(pkg.manifest, ctx);
  const validators = [
    ...defaultObjectValidators,
    ...(scope === 'Namespaced' ? [namespacedPackageValidator(namespace)] : []),
    ...(opts.validators ?? []),
  ];
  const rendered = renderObjects(pkg, ctx, caps, validators);
  return { manifest: pkg.manifest, context: ctx, objects: orderedObjects(rendered.pathObjects) };
}
