/**
 * The API semantics over the store, independent of HTTP: create/get/list/watch/update/patch/delete
 * with the Kubernetes rules (names, uid, generation, optimistic concurrency, status/spec split,
 * finalizers, namespaces, dry run, field validation, managed fields). The HTTP layer and the
 * controllers both call it; it throws `ApiError`s.
 */
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  internalError,
  invalid,
  methodNotAllowed,
  notFound,
  staleMessage,
  unsupportedMediaType,
  type FieldProblem,
} from '../errors.js';
import {
  applyJsonPatch,
  builtinTypeSchema,
  conflictMessage,
  jsonMergePatch,
  PatchError,
  recordUpdate,
  serverSideApply,
  strategicMergePatch,
  typeSchemaFromOpenAPI,
  type KubeObject as PatchObject,
  type TypeSchema,
} from '../patch/index.js';
import type { Registry } from '../registry/registry.js';
import { apiVersionOf, resourceKey, type ResourceType } from '../registry/types.js';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../store/selectors.js';
import { compareObjects, type EventType, type Store } from '../store/store.js';
import { clone, deepEqual, isRecord, kubeTime, type KubeObject } from '../types.js';
import { applyDefaults, resetForCreate, validateKind } from './kinds.js';
import {
  applyDefaults as applyCrDefaults,
  pruneRootMetadata,
  pruneUnknownFields,
  validateCustomResource,
  withDefaults,
} from '../schema/index.js';
import { metadataProblems, nameProblems, prune, unknownFields } from './validation.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';
export type Propagation = 'Orphan' | 'Background' | 'Foreground';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string | undefined;
  fieldValidation?: FieldValidation;
  subresource?: 'status' | undefined;
  /** Collected `Warning` texts. */
  warnings?: string[];
  userAgent?: string | undefined;
  force?: boolean;
  /**
   * The body was parsed for this request alone (the HTTP layer's JSON): decoding may change it in
   * place instead of copying it. Objects built from stored ones share parts with them: not owned.
   */
  bodyOwned?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: Propagation | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
  dryRun?: boolean;
}

export interface ListQuery {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  limit?: number | undefined;
  continue?: string | undefined;
  resourceVersion?: string | undefined;
  resourceVersionMatch?: string | undefined;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type DeleteResult = { gone: true; obj: KubeObject } | { gone: false; obj: KubeObject };

const namespacesRk = '/namespaces';
const undeletable = ['default', 'kube-system', 'kube-public'];
const crdCleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';
const suffixChars = 'bcdfghjklmnpqrstvwxz2456789';

function sameJson(a: unknown, b: unknown): boolean {
  return deepEqual(a, b);
}

function withoutVolatile(obj: KubeObject): unknown {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

function nonMeta(obj: KubeObject, withStatus: boolean): unknown {
  const { metadata: _m, apiVersion: _a, kind: _k, status, ...rest } = obj;
  return withStatus ? { ...rest, status } : rest;
}

export class ApiCore {
  private readonly schemaCache = new WeakMap<ResourceType, TypeSchema>();
  /** Names of CRDs being deleted: their kinds refuse new objects. */
  readonly terminatingCrds = new Set<string>();

  constructor(
    readonly store: Store,
    readonly registry: Registry,
  ) {}

  private rk(t: ResourceType): string {
    return resourceKey(t);
  }

  /** Stored objects carry the version they were written in; serve them in the requested one. */
  private served(t: ResourceType, obj: KubeObject): KubeObject {
    const av = apiVersionOf(t);
    // Custom resources get their schema defaults on read too (a CRD may have gained some).
    const o = t.crd !== undefined && t.schema ? withDefaults(t.schema, obj) : obj;
    return o.apiVersion === av ? o : { ...o, apiVersion: av };
  }

  typeSchema(t: ResourceType): TypeSchema {
    let s = this.schemaCache.get(t);
    if (!s) {
      s =
        t.crd !== undefined && t.schema
          ? typeSchemaFromOpenAPI(t.schema)
          : builtinTypeSchema(apiVersionOf(t), t.kind);
      this.schemaCache.set(t, s);
    }
    return s;
  }

  get(t: ResourceType, ns: string, name: string): KubeObject {
    const obj = this.store.get(this.rk(t), t.namespaced ? ns : '', name);
    if (!obj) throw notFound(t.group, t.plural, name);
    return this.served(t, obj);
  }

  tryGet(t: ResourceType, ns: string, name: string): KubeObject | undefined {
    const obj = this.store.get(this.rk(t), t.namespaced ? ns : '', name);
    return obj ? this.served(t, obj) : undefined;
  }

  private matcher(t: ResourceType, q: ListQuery): (obj: KubeObject) => boolean {
    const labels = parseLabelSelector(q.labelSelector);
    const fields = parseFieldSelector(q.fieldSelector, [
      'metadata.name',
      'metadata.namespace',
      ...t.fieldSelectors,
    ]);
    if (labels.length === 0 && fields.length === 0) return () => true;
    return (obj) => matchLabels(labels, obj.metadata.labels) && matchFields(fields, obj);
  }

  list(t: ResourceType, ns: string | undefined, q: ListQuery): ListResult {
    const match = this.matcher(t, q);
    let at = this.store.revision;
    let after: KubeObject | undefined;
    if (q.continue) {
      const tok = decodeContinue(q.continue);
      if (tok.rev < this.store.compactedRevision) {
        throw expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      at = tok.rev;
      after = tok.start;
    } else if (q.resourceVersionMatch === 'Exact' && q.resourceVersion) {
      at = Number(q.resourceVersion);
      if (!Number.isInteger(at) || at < 0)
        throw badRequest(`invalid resource version: ${q.resourceVersion}`);
    }
    const all = this.store.list(this.rk(t), t.namespaced ? ns : undefined, at);
    let items = all.filter(match);
    if (after !== undefined) {
      const a = after;
      items = items.filter((o) => compareObjects(o, a) > 0);
    }
    const res: ListResult = { items: [], resourceVersion: String(at) };
    const limit = q.limit && q.limit > 0 ? q.limit : undefined;
    if (limit !== undefined && items.length > limit) {
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      res.continue = encodeContinue(at, last ?? { apiVersion: '', kind: '', metadata: {} });
      if (!q.labelSelector && !q.fieldSelector) res.remainingItemCount = items.length - limit;
      items = page;
    }
    res.items = items.map((o) => this.served(t, o));
    return res;
  }

  watch(
    t: ResourceType,
    ns: string | undefined,
    q: ListQuery,
    send: (type: EventType, obj: KubeObject) => void,
  ): () => void {
    const match = this.matcher(t, q);
    const rv = q.resourceVersion;
    let fromRev: number | undefined;
    if (rv !== undefined && rv !== '' && rv !== '0') {
      fromRev = Number(rv);
      if (!Number.isInteger(fromRev) || fromRev < 0)
        throw badRequest(`invalid resource version: ${rv}`);
    }
    return this.store.watch({
      rk: this.rk(t),
      namespace: t.namespaced ? ns : undefined,
      fromRev,
      match,
      send: (type, obj) => send(type, this.served(t, obj)),
    });
  }

  // ---------------------------------------------------------------- writes

  private checkNamespace(t: ResourceType, ns: string, creating: boolean): void {
    if (!t.namespaced) return;
    const nsObj = this.store.get(namespacesRk, '', ns);
    if (!nsObj) throw notFound('', 'namespaces', ns);
    if (creating && nsObj.metadata.deletionTimestamp) {
      throw forbidden(
        t.group,
        t.plural,
        '',
        `unable to create new content in namespace ${ns} because it is being terminated`,
        [
          {
            type: 'NamespaceTerminating',
            message: `namespace ${ns} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  private decode(
    t: ResourceType,
    body: unknown,
    ns: string,
    opts: WriteOptions,
    owned = opts.bodyOwned === true,
  ): KubeObject {
    if (!isRecord(body)) throw badRequest('the object provided is not a JSON object');
    const obj = (owned ? body : clone(body)) as KubeObject;
    const av = apiVersionOf(t);
    if (obj.apiVersion !== undefined && obj.apiVersion !== av) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${av})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== t.kind) {
      throw badRequest(
        `the kind in the data (${String(obj.kind)}) does not match the expected kind (${t.kind})`,
      );
    }
    obj.apiVersion = av;
    obj.kind = t.kind;
    if (!isRecord(obj.metadata)) obj.metadata = {};
    normalizeManagedFieldTimes(obj);
    if (t.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== ns) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = ns;
    } else delete obj.metadata.namespace;
    const unknown =
      t.crd !== undefined && t.schema
        ? [...pruneRootMetadata(obj), ...pruneUnknownFields(t.schema, obj)]
        : unknownFields(t, obj);
    if (unknown.length > 0) {
      const mode = opts.fieldValidation ?? 'Warn';
      if (mode === 'Strict') {
        const list = unknown.map((f) => `unknown field "${f}"`);
        throw badRequest(`strict decoding error: ${list.join(', ')}`);
      }
      if (mode === 'Warn') for (const f of unknown) opts.warnings?.push(`unknown field "${f}"`);
      prune(obj, unknown);
    }
    return obj;
  }

  private manager(opts: WriteOptions): string {
    if (opts.fieldManager) return opts.fieldManager;
    const ua = opts.userAgent ?? 'unknown';
    return ua.split('/')[0] ?? ua;
  }

  /** Built-in defaulters, or the CRD schema's `default`s. */
  private defaults(t: ResourceType, obj: KubeObject): void {
    if (t.crd !== undefined && t.schema) applyCrDefaults(t.schema, obj);
    else applyDefaults(t, obj);
  }

  private validate(
    t: ResourceType,
    obj: KubeObject,
    old: KubeObject | undefined,
    warnings?: string[],
  ): void {
    const problems: FieldProblem[] = [...metadataProblems(obj), ...validateKind(t, obj, old)];
    if (t.crd !== undefined && t.schema) {
      const res = validateCustomResource(t.schema, obj, old);
      problems.push(...res.problems);
      // Rule failures of unchanged (ratcheted) values are answered as warnings.
      warnings?.push(...res.warnings);
    }
    if (old?.metadata.deletionTimestamp) {
      const added = (obj.metadata.finalizers ?? []).filter(
        (f) => !(old.metadata.finalizers ?? []).includes(f),
      );
      if (added.length > 0) {
        problems.push({
          field: 'metadata.finalizers',
          type: 'FieldValueForbidden',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        });
      }
    }
    if (problems.length > 0) throw invalid(t.kind, t.group, obj.metadata.name ?? '', problems);
  }

  private refuseTerminatingCrd(t: ResourceType): void {
    if (t.crd !== undefined && this.terminatingCrds.has(t.crd)) {
      throw methodNotAllowed('create not allowed while custom resource definition is terminating');
    }
  }

  create(t: ResourceType, ns: string, body: unknown, opts: WriteOptions = {}): KubeObject {
    const obj = this.decode(t, body, ns, opts);
    return this.createDecoded(t, ns, obj, opts, false);
  }

  private createDecoded(
    t: ResourceType,
    ns: string,
    obj: KubeObject,
    opts: WriteOptions,
    applied: boolean,
  ): KubeObject {
    this.refuseTerminatingCrd(t);
    const m = obj.metadata;
    if (m.resourceVersion)
      throw internalError('resourceVersion should not be set on objects to be created');
    if (!m.name) {
      if (m.generateName) {
        let s = '';
        for (let i = 0; i < 5; i++)
          s += suffixChars[Math.floor(Math.random() * suffixChars.length)] ?? 'x';
        m.name = `${m.generateName}${s}`;
      } else {
        throw invalid(t.kind, t.group, '', [
          {
            field: 'metadata.name',
            type: 'FieldValueRequired',
            message: 'Required value: name or generateName is required',
          },
        ]);
      }
    }
    const np = nameProblems(m.name, t.group === '' && t.kind === 'Namespace');
    if (np.length > 0) throw invalid(t.kind, t.group, m.name, np);
    this.checkNamespace(t, ns, true);
    m.uid = randomUUID();
    m.creationTimestamp = kubeTime();
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    if (t.generation) m.generation = 1;
    else delete m.generation;
    resetForCreate(t, obj);
    this.defaults(t, obj);
    this.validate(t, obj, undefined, opts.warnings);
    if (this.store.get(this.rk(t), t.namespaced ? ns : '', m.name)) {
      throw alreadyExists(t.group, t.plural, m.name);
    }
    let out = obj;
    if (!applied) {
      out = this.recordManager(t, undefined, obj, opts);
    }
    if (opts.dryRun) return out;
    return this.served(t, this.store.put(this.rk(t), out));
  }

  private recordManager(
    t: ResourceType,
    before: KubeObject | undefined,
    after: KubeObject,
    opts: WriteOptions,
  ): KubeObject {
    const mf = after.metadata.managedFields;
    if (
      Array.isArray(mf) &&
      mf.length === 1 &&
      isRecord(mf[0]) &&
      Object.keys(mf[0]).length === 0
    ) {
      // `managedFields: [{}]` on a non-apply write clears them: the object has none afterwards.
      const { managedFields: _cleared, ...meta } = after.metadata;
      return { ...after, metadata: meta };
    }
    const input = {
      before: before as PatchObject | undefined,
      after: after as PatchObject,
      manager: this.manager(opts),
      schema: this.typeSchema(t),
      now: kubeTime(),
    };
    return recordUpdate(
      opts.subresource ? { ...input, subresource: opts.subresource } : input,
    ) as KubeObject;
  }

  update(
    t: ResourceType,
    ns: string,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): { obj: KubeObject; created: boolean } {
    const obj = this.decode(t, body, ns, opts);
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    obj.metadata.name = name;
    const existing = this.store.get(this.rk(t), t.namespaced ? ns : '', name);
    if (!existing) {
      if (t.createOnUpdate && !opts.subresource) {
        delete obj.metadata.resourceVersion;
        return { obj: this.createDecoded(t, ns, obj, opts, false), created: true };
      }
      this.checkNamespace(t, ns, false);
      throw notFound(t.group, t.plural, name);
    }
    const rv = obj.metadata.resourceVersion;
    if (!rv) {
      if (!t.unconditionalUpdate) {
        throw invalid(t.kind, t.group, name, [
          {
            field: 'metadata.resourceVersion',
            type: 'FieldValueInvalid',
            message: 'Invalid value: 0x0: must be specified for an update',
          },
        ]);
      }
    } else if (rv !== existing.metadata.resourceVersion) {
      throw conflict(t.group, t.plural, name, staleMessage);
    }
    return { obj: this.updateDecoded(t, existing, obj, opts, false), created: false };
  }

  /** The common tail of PUT, PATCH and apply: merge server-owned fields, validate, store. */
  private updateDecoded(
    t: ResourceType,
    existing: KubeObject,
    incoming: KubeObject,
    opts: WriteOptions,
    applied: boolean,
  ): KubeObject {
    const old = this.served(t, existing);
    let obj: KubeObject;
    if (opts.subresource === 'status') {
      obj = { ...statusBase(t, old), status: incoming.status };
      if (incoming.status === undefined) delete obj.status;
      if (applied) obj.metadata.managedFields = incoming.metadata.managedFields;
    } else {
      obj = incoming;
      if (t.status) {
        if (old.status === undefined) delete obj.status;
        else obj.status = clone(old.status);
      }
    }
    const m = obj.metadata;
    const om = old.metadata;
    m.name = om.name;
    if (om.namespace !== undefined) m.namespace = om.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) {
      m.deletionTimestamp = om.deletionTimestamp;
      m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds ?? 0;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    delete m.generateName;
    if (om.generateName) m.generateName = om.generateName;
    if (t.group === '' && t.kind === 'Namespace' && opts.subresource !== 'status') {
      obj.status = clone(old.status);
    }
    this.defaults(t, obj);
    if (t.generation) {
      m.generation = om.generation ?? 1;
      if (!opts.subresource && !sameJson(nonMeta(obj, !t.status), nonMeta(old, !t.status)))
        m.generation += 1;
    } else delete m.generation;
    this.validate(t, obj, old, opts.warnings);
    if (!applied) obj = this.recordManager(t, old, obj, opts);
    m.resourceVersion = om.resourceVersion;
    // A write that changes nothing is not stored (no new revision, no event), as etcd3 does.
    if (
      sameJson(withoutVolatile(obj), withoutVolatile(old)) &&
      sameJson(obj.metadata.managedFields ?? [], old.metadata.managedFields ?? [])
    ) {
      return old;
    }
    if (opts.dryRun) return obj;
    if (this.finalizable(obj)) {
      const gone = this.store.remove(
        this.rk(t),
        obj.metadata.namespace ?? '',
        obj.metadata.name ?? '',
      );
      return this.served(t, gone ?? obj);
    }
    return this.served(t, this.store.put(this.rk(t), obj));
  }

  private finalizable(obj: KubeObject): boolean {
    if (!obj.metadata.deletionTimestamp) return false;
    if ((obj.metadata.finalizers ?? []).length > 0) return false;
    if (obj.apiVersion === 'v1' && obj.kind === 'Namespace') {
      const spec = isRecord(obj.spec) ? obj.spec : {};
      if (Array.isArray(spec.finalizers) && spec.finalizers.length > 0) return false;
    }
    return true;
  }

  patch(
    t: ResourceType,
    ns: string,
    name: string,
    type: PatchType,
    raw: string,
    opts: WriteOptions = {},
  ): { obj: KubeObject; created: boolean } {
    const existingStored = this.store.get(this.rk(t), t.namespaced ? ns : '', name);
    if (type === 'strategic' && t.crd !== undefined) {
      throw unsupportedMediaType('application/strategic-merge-patch+json', [
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
      ]);
    }
    let body: unknown;
    try {
      body = type === 'apply' ? parseApplyBody(raw) : JSON.parse(raw);
    } catch (err) {
      throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (type === 'apply') return this.apply(t, ns, name, existingStored, body, opts);
    if (opts.force !== undefined) {
      // ValidatePatchOptions: `force` is only meaningful for apply patches.
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        {
          field: 'force',
          type: 'FieldValueForbidden',
          message: 'Forbidden: may not be specified for non-apply patch',
        },
      ]);
    }
    if (!existingStored) {
      this.checkNamespace(t, ns, false);
      throw notFound(t.group, t.plural, name);
    }
    const existing = this.served(t, existingStored);
    let patched: unknown;
    try {
      if (type === 'json') patched = applyJsonPatch(clone(existing), body);
      else if (type === 'merge') {
        if (!isRecord(body))
          throw badRequest('error decoding patch: the patch must be a JSON object');
        patched = jsonMergePatch(clone(existing), body);
      } else {
        if (!isRecord(body))
          throw badRequest('error decoding patch: the patch must be a JSON object');
        patched = strategicMergePatch(clone(existing), body, this.typeSchema(t));
      }
    } catch (err) {
      if (err instanceof PatchError) {
        throw new ApiError(
          err.status,
          err.status === 422
            ? 'Invalid'
            : err.status === 413
              ? 'RequestEntityTooLarge'
              : 'BadRequest',
          err.message,
        );
      }
      throw err;
    }
    const obj = this.decode(t, patched, ns, opts);
    if (obj.metadata.name !== name)
      throw badRequest(
        `the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`,
      );
    if (
      obj.metadata.resourceVersion &&
      obj.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(t.group, t.plural, name, staleMessage);
    }
    return { obj: this.updateDecoded(t, existingStored, obj, opts, false), created: false };
  }

  private apply(
    t: ResourceType,
    ns: string,
    name: string,
    existingStored: KubeObject | undefined,
    body: unknown,
    opts: WriteOptions,
  ): { obj: KubeObject; created: boolean } {
    if (!opts.fieldManager) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        {
          field: 'fieldManager',
          type: 'FieldValueRequired',
          message: 'Required value: is required for apply patch',
        },
      ]);
    }
    if (!isRecord(body))
      throw badRequest('error decoding YAML: the apply configuration must be an object');
    if (isRecord(body.metadata) && body.metadata.managedFields !== undefined) {
      throw badRequest('metadata.managedFields must be nil');
    }
    if (
      isRecord(body.metadata) &&
      body.metadata.name !== undefined &&
      body.metadata.name !== name
    ) {
      throw badRequest(
        `the name of the object (${JSON.stringify(body.metadata.name)}) does not match the name on the URL (${name})`,
      );
    }
    // The apply body was parsed here, for this request alone.
    const applied = this.decode(t, body, ns, opts, true);
    applied.metadata.name = name;
    if (!existingStored) {
      if (opts.subresource) throw notFound(t.group, t.plural, name);
      this.checkNamespace(t, ns, true);
    }
    const live = existingStored ? this.served(t, existingStored) : undefined;
    const input = {
      live: live as PatchObject | undefined,
      applied: applied as PatchObject,
      manager: opts.fieldManager,
      force: opts.force ?? false,
      schema: this.typeSchema(t),
      now: kubeTime(),
    };
    const res = serverSideApply(
      opts.subresource ? { ...input, subresource: opts.subresource } : input,
    );
    if ('conflicts' in res) {
      throw new ApiError(409, 'Conflict', conflictMessage(res.conflicts), {
        name,
        group: t.group,
        kind: t.plural,
        causes: res.conflicts.map((c) => ({
          type: 'FieldManagerConflict',
          message: `conflict with ${c.description}`,
          field: c.path,
        })),
      });
    }
    const merged = res.object as KubeObject;
    merged.apiVersion = apiVersionOf(t);
    merged.kind = t.kind;
    if (!existingStored) {
      delete merged.metadata.resourceVersion;
      return { obj: this.createDecoded(t, ns, merged, opts, true), created: true };
    }
    if (
      applied.metadata.resourceVersion &&
      applied.metadata.resourceVersion !== existingStored.metadata.resourceVersion
    ) {
      throw conflict(t.group, t.plural, name, staleMessage);
    }
    return { obj: this.updateDecoded(t, existingStored, merged, opts, true), created: false };
  }

  delete(t: ResourceType, ns: string, name: string, del: DeleteOptions = {}): DeleteResult {
    const existingStored = this.store.get(this.rk(t), t.namespaced ? ns : '', name);
    if (!existingStored) throw notFound(t.group, t.plural, name);
    const existing = this.served(t, existingStored);
    const pre = del.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(
        t.group,
        t.plural,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        t.group,
        t.plural,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ''}`,
      );
    }
    const isNamespace = t.group === '' && t.kind === 'Namespace';
    if (isNamespace && undeletable.includes(name)) {
      throw forbidden('', 'namespaces', name, 'this namespace may not be deleted');
    }
    const obj = clone(existing);
    const m = obj.metadata;
    let finalizers = [...(m.finalizers ?? [])];
    const policy = del.propagationPolicy;
    if (policy === 'Orphan' && !finalizers.includes('orphan')) {
      finalizers = finalizers.filter((f) => f !== 'foregroundDeletion');
      finalizers.push('orphan');
    }
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) {
      finalizers = finalizers.filter((f) => f !== 'orphan');
      finalizers.push('foregroundDeletion');
    }
    if (
      t.group === 'apiextensions.k8s.io' &&
      t.kind === 'CustomResourceDefinition' &&
      !m.deletionTimestamp &&
      !finalizers.includes(crdCleanupFinalizer)
    ) {
      finalizers.push(crdCleanupFinalizer);
    }
    let nsPending = false;
    if (isNamespace) {
      const spec = isRecord(obj.spec) ? obj.spec : {};
      nsPending = Array.isArray(spec.finalizers) && spec.finalizers.length > 0;
      obj.status = { ...(isRecord(obj.status) ? obj.status : {}), phase: 'Terminating' };
    }
    if (finalizers.length > 0 || nsPending) {
      if (finalizers.length > 0) m.finalizers = finalizers;
      if (!m.deletionTimestamp) {
        m.deletionTimestamp = kubeTime();
        m.deletionGracePeriodSeconds = 0;
        if (t.generation && m.generation !== undefined) m.generation += 1;
      }
      if (sameJson(obj, existing)) return { gone: false, obj: existing };
      if (del.dryRun) return { gone: false, obj };
      return { gone: false, obj: this.served(t, this.store.put(this.rk(t), obj)) };
    }
    if (del.dryRun) return { gone: true, obj: existing };
    const gone = this.store.remove(this.rk(t), t.namespaced ? ns : '', name);
    return { gone: true, obj: this.served(t, gone ?? existing) };
  }

  deleteCollection(
    t: ResourceType,
    ns: string | undefined,
    q: ListQuery,
    del: DeleteOptions = {},
  ): KubeObject[] {
    const { items } = this.list(t, ns, {
      labelSelector: q.labelSelector,
      fieldSelector: q.fieldSelector,
    });
    const out: KubeObject[] = [];
    for (const item of items) {
      try {
        out.push(this.delete(t, item.metadata.namespace ?? '', item.metadata.name ?? '', del).obj);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return out;
  }

  /** Namespace finalize subresource: replaces spec.finalizers only. */
  finalizeNamespace(name: string, body: unknown, opts: WriteOptions = {}): KubeObject {
    const t = this.registry.find('', 'v1', 'namespaces');
    if (!t) throw internalError('namespaces not registered');
    const existing = this.store.get(namespacesRk, '', name);
    if (!existing) throw notFound('', 'namespaces', name);
    const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
    const obj = clone(existing);
    obj.spec = {
      ...(isRecord(obj.spec) ? obj.spec : {}),
      finalizers: Array.isArray(spec.finalizers) ? spec.finalizers : [],
    };
    if (opts.dryRun) return obj;
    if (this.finalizable(obj)) return this.store.remove(namespacesRk, '', name) ?? obj;
    return this.store.put(namespacesRk, obj);
  }
}

/**
 * The object a status write starts from: a copy of the stored one. For a custom resource
 * everything but metadata and status is shared with the stored object: nothing below writes to
 * it (the served object has every default already, so defaulting leaves it as it is), and
 * validation skips the very same values quickly (they are ratcheted).
 */
function statusBase(t: ResourceType, old: KubeObject): KubeObject {
  if (t.crd === undefined || !t.schema) return clone(old);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(old)) {
    out[k] = k === 'metadata' ? clone(v) : v; // status: replaced by the caller
  }
  return out as KubeObject;
}

/** Clients may send timestamps with fractions (client-node's Date); the server keeps seconds. */
function normalizeManagedFieldTimes(obj: KubeObject): void {
  const mf = obj.metadata.managedFields;
  if (!Array.isArray(mf)) return;
  for (const e of mf) {
    if (isRecord(e) && typeof e.time === 'string') {
      const ms = Date.parse(e.time);
      if (!Number.isNaN(ms)) e.time = kubeTime(new Date(ms));
    }
  }
}

function encodeContinue(rev: number, last: KubeObject): string {
  const start = { ns: last.metadata.namespace ?? '', name: last.metadata.name ?? '' };
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: rev, start }), 'utf8').toString(
    'base64url',
  );
}

function decodeContinue(tok: string): { rev: number; start: KubeObject } {
  try {
    const v = JSON.parse(Buffer.from(tok, 'base64url').toString('utf8')) as unknown;
    if (isRecord(v) && typeof v.rv === 'number' && isRecord(v.start)) {
      const { ns, name } = v.start;
      if (typeof ns === 'string' && typeof name === 'string') {
        return {
          rev: v.rv,
          start: { apiVersion: '', kind: '', metadata: { namespace: ns, name } },
        };
      }
    }
  } catch {
    // fall through
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

/**
 * An apply body: YAML, but clients (kubectl, client-go) send JSON, which `JSON.parse` reads many
 * times faster; the YAML parser only reads what is not JSON.
 */
function parseApplyBody(raw: string): unknown {
  if (raw.trimStart().startsWith('{')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      // YAML flow mapping rather than JSON: the YAML parser decides
    }
  }
  return parseYaml(raw);
}
