/**
 * (Cluster)ObjectTemplate reconcile, level-based: read the sources (cached, else uncached plus
 * the cache label merge-patched on so their changes come back as events), collect their items
 * into `.config`, render the template, create or update the one templated object, then copy its
 * conditions into the template's status. Source and template errors land in the
 * `package-operator.run/Invalid` condition.
 */
import { conditionReasons, type Condition } from '../../apis/index.js';
import {
  CACHE_LABEL,
  gvkKey,
  gvkOf,
  isAlreadyExists,
  splitKey,
  type EventRecorder,
  type KindRef,
  type KubeObject,
  type KubeReader,
  type KubeWriter,
  type ObjectRef,
  type ResourceMapping,
} from '../../kube/index.js';
import type { Result } from '../runtime/controller.js';
import { coreApiVersion } from '../object-set/scope.js';
import { sameStatus } from '../object-set/status.js';
import { desiredObject, otherController, updateFor } from './desired.js';
import { renderTemplate } from './render.js';
import { collectItems, sourceRef, type TemplateSource } from './sources.js';
import { controllerOf, copiedConditions, invalidConditions } from './status.js';

export type ObjectTemplateKind = 'ObjectTemplate' | 'ClusterObjectTemplate';

export interface ObjectTemplateDeps {
  /** Reads of the templates themselves. */
  apiReader: KubeReader;
  /** Label-filtered reads of sources and templated objects. */
  managed: KubeReader;
  uncached: KubeReader;
  writer: KubeWriter;
  /** Whether a kind is served and namespaced; undefined when not served. */
  mapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined>;
  /** Replaces the kinds the template (user) needs in the managed cache. */
  watchKinds(user: string, kinds: KindRef[]): Promise<void>;
  freeKinds(user: string): Promise<void>;
  events?: EventRecorder | undefined;
  /** Re-check delay after a missing source (default 30 s). */
  sourceRetryMs?: number | undefined;
  /** Re-check delay when an optional source is missing (default 60 s). */
  optionalRetryMs?: number | undefined;
  now?: (() => Date) | undefined;
}

/** Identity of one object across versions: group/kind/namespace/name. */
export function objectIdentity(
  apiVersion: string,
  kind: string,
  ns: string | undefined,
  name: string,
): string {
  const gvk = gvkOf(apiVersion, kind);
  return `${gvk.group}/${gvk.kind}/${ns ?? ''}/${name}`;
}

export class ObjectTemplateReconciler {
  /** Template key -> identities of the objects it reads or writes (for event routing). */
  private readonly watched = new Map<string, Set<string>>();
  /** Template key -> kind of its templated object (kept watched between reconciles). */
  private readonly outputKinds = new Map<string, KindRef>();

  constructor(
    readonly kind: ObjectTemplateKind,
    private readonly deps: ObjectTemplateDeps,
  ) {}

  /** Keys of the templates reading or writing `obj`. */
  templatesFor(obj: KubeObject): string[] {
    const id = objectIdentity(
      obj.apiVersion,
      obj.kind,
      obj.metadata.namespace || undefined,
      obj.metadata.name ?? '',
    );
    const keys: string[] = [];
    for (const [k, ids] of this.watched) if (ids.has(id)) keys.push(k);
    return keys;
  }

  reconcile = async (key: string): Promise<Result> => {
    const { namespace, name } = splitKey(key);
    const user = `${this.kind}/${key}`;
    const tmpl = await this.deps.apiReader.get({
      apiVersion: coreApiVersion,
      kind: this.kind,
      name,
      namespace,
    });
    if (tmpl === undefined || tmpl.metadata.deletionTimestamp !== undefined) {
      this.watched.delete(key);
      this.outputKinds.delete(key);
      await this.deps.freeKinds(user);
      return {};
    }
    const now = this.deps.now?.() ?? new Date();
    const generation = tmpl.metadata.generation ?? 0;
    const status = { ...((tmpl.status ?? {}) as Record<string, unknown>) };
    const conditions = status.conditions as Condition[] | undefined;
    const spec = (tmpl.spec ?? {}) as { template?: string; sources?: TemplateSource[] };
    const templateNs = tmpl.metadata.namespace || undefined;
    const ids = new Set<string>();
    this.watched.set(key, ids);

    const invalid = async (
      reason: string,
      message: string,
      requeueAfter?: number,
    ): Promise<Result> => {
      status.conditions = invalidConditions(conditions, reason, message, generation, now);
      await this.writeStatus(tmpl, status);
      return requeueAfter === undefined ? {} : { requeueAfter };
    };

    // Sources.
    const sourceRetry = this.deps.sourceRetryMs ?? 30_000;
    const refs: { src: TemplateSource; ref: ObjectRef }[] = [];
    for (const src of spec.sources ?? []) {
      const r = sourceRef(src, templateNs);
      if (!r.ok) return invalid(conditionReasons.sourceError, r.message, sourceRetry);
      refs.push({ src, ref: r.ref });
      ids.add(objectIdentity(r.ref.apiVersion, r.ref.kind, r.ref.namespace, r.ref.name));
    }
    const kinds: KindRef[] = [];
    for (const { ref } of refs) {
      if ((await this.deps.mapping(ref.apiVersion, ref.kind)) === undefined) {
        return invalid(
          conditionReasons.sourceError,
          `source kind ${ref.kind} in ${ref.apiVersion} is not served`,
          sourceRetry,
        );
      }
      kinds.push({ apiVersion: ref.apiVersion, kind: ref.kind });
    }
    const previousOut = this.outputKinds.get(key);
    await this.deps.watchKinds(user, previousOut === undefined ? kinds : [...kinds, previousOut]);

    const config: Record<string, unknown> = {};
    let optionalMissing = false;
    for (const { src, ref } of refs) {
      const obj = await this.readSource(ref);
      if (obj === undefined) {
        if (src.optional === true) {
          optionalMissing = true;
          continue;
        }
        return invalid(
          conditionReasons.sourceError,
          `source ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} not found`,
          sourceRetry,
        );
      }
      const c = collectItems(src, obj, config);
      if (!c.ok) return invalid(conditionReasons.sourceError, c.message, sourceRetry);
    }

    // Render.
    const rendered = renderTemplate(spec.template ?? '', config);
    if (!rendered.ok) return invalid(conditionReasons.templateError, rendered.message);
    const out = rendered.object;
    const mapping = await this.deps.mapping(out.apiVersion, out.kind);
    if (mapping === undefined) {
      return invalid(
        conditionReasons.templateError,
        `kind ${out.kind} in ${out.apiVersion} is not served`,
        sourceRetry,
      );
    }
    const desired = desiredObject(out, tmpl, mapping.namespaced);
    if (!desired.ok) return invalid(conditionReasons.templateError, desired.message);
    const want = desired.object;
    const outRef: ObjectRef = {
      apiVersion: want.apiVersion,
      kind: want.kind,
      name: want.metadata.name ?? '',
      namespace: want.metadata.namespace,
    };
    ids.add(objectIdentity(outRef.apiVersion, outRef.kind, outRef.namespace, outRef.name));
    const outKind: KindRef = { apiVersion: want.apiVersion, kind: want.kind };
    const sameKind = (a: KindRef | undefined, b: KindRef): boolean =>
      a !== undefined &&
      gvkKey(gvkOf(a.apiVersion, a.kind)) === gvkKey(gvkOf(b.apiVersion, b.kind));
    if (!sameKind(previousOut, outKind)) {
      this.outputKinds.set(key, outKind);
      await this.deps.watchKinds(user, [...kinds, outKind]);
    }

    // Apply.
    let live = (await this.deps.managed.get(outRef)) ?? (await this.deps.uncached.get(outRef));
    if (live === undefined) {
      try {
        live = await this.deps.writer.create(want);
        this.deps.events?.event(tmpl, 'Normal', 'Created', `created ${want.kind} ${outRef.name}`);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        live = await this.deps.uncached.get(outRef);
        if (live === undefined) throw err;
      }
    }
    const other = otherController(live, tmpl.metadata.uid ?? '');
    if (other !== undefined) {
      throw new Error(
        `${want.kind} ${outRef.name} is already controlled by ${other.kind} ${other.name}`,
      );
    }
    const update = updateFor(live, want);
    if (update !== undefined) live = await this.deps.writer.update(update);

    // Status.
    status.controllerOf = controllerOf(live);
    status.conditions = copiedConditions(conditions, live, generation, now);
    await this.writeStatus(tmpl, status);
    return optionalMissing ? { requeueAfter: this.deps.optionalRetryMs ?? 60_000 } : {};
  };

  /** Cached read, else uncached; an uncached hit gets the cache label so it shows up next time. */
  private async readSource(ref: ObjectRef): Promise<KubeObject | undefined> {
    const cached = await this.deps.managed.get(ref);
    if (cached !== undefined) return cached;
    const live = await this.deps.uncached.get(ref);
    if (live === undefined) return undefined;
    if (live.metadata.labels?.[CACHE_LABEL] !== 'True') {
      await this.deps.writer.patch(ref, 'merge', {
        metadata: { labels: { [CACHE_LABEL]: 'True' } },
      });
    }
    return live;
  }

  private async writeStatus(raw: KubeObject, status: Record<string, unknown>): Promise<void> {
    if (sameStatus(raw.status, status)) return;
    const updated = await this.deps.writer.updateStatus({ ...raw, status });
    raw.metadata = updated.metadata;
    raw.status = updated.status;
  }
}
