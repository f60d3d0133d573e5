/**
 * Event handlers that turn informer events into work-queue keys. Level-based: the event type
 * does not matter, only which key must be looked at again.
 */
import {
  objectKey,
  parseApiVersion,
  type InformerEvent,
  type KubeObject,
} from '../../kube/index.js';

/** Anything with an enqueue (a Controller). */
export interface Enqueuer {
  enqueue(key: string): void;
}

/** The object's own key. */
export function enqueueObject(target: Enqueuer): (ev: InformerEvent) => void {
  return (ev) => target.enqueue(objectKey(ev.object));
}

export interface OwnerMatch {
  /** Owner apiVersion; only its group is compared (owner references may name any served version). */
  apiVersion: string;
  kind: string;
  /** Whether the owner kind is namespaced (its key is then `<object namespace>/<owner name>`). */
  namespaced: boolean;
  /** Only the controller reference (default true). */
  controllerOnly?: boolean | undefined;
}

/** Keys of the owners of an object that match `owner`. */
export function ownerKeys(obj: KubeObject, owner: OwnerMatch): string[] {
  const group = parseApiVersion(owner.apiVersion).group;
  const keys: string[] = [];
  for (const ref of obj.metadata.ownerReferences ?? []) {
    if (ref.kind !== owner.kind) continue;
    if (parseApiVersion(ref.apiVersion).group !== group) continue;
    if (owner.controllerOnly !== false && ref.controller !== true) continue;
    const ns = obj.metadata.namespace;
    keys.push(owner.namespaced && ns !== undefined && ns !== '' ? `${ns}/${ref.name}` : ref.name);
  }
  return keys;
}

/** Enqueues the object's owner(s) of the given kind (controller-runtime's EnqueueRequestForOwner). */
export function enqueueOwner(target: Enqueuer, owner: OwnerMatch): (ev: InformerEvent) => void {
  return (ev) => {
    const keys = new Set(ownerKeys(ev.object, owner));
    if (ev.old !== undefined) for (const k of ownerKeys(ev.old, owner)) keys.add(k);
    for (const k of keys) target.enqueue(k);
  };
}

/** Enqueues whatever keys `map` returns for the object (and its previous state on update). */
export function enqueueMapped(
  target: Enqueuer,
  map: (obj: KubeObject) => Iterable<string>,
): (ev: InformerEvent) => void {
  return (ev) => {
    const keys = new Set(map(ev.object));
    if (ev.old !== undefined) for (const k of map(ev.old)) keys.add(k);
    for (const k of keys) target.enqueue(k);
  };
}
