/**
 * Found objects -> the cluster, by server-side apply (field manager `packsync`, forced):
 * Namespaces first, then the rest in file order. A (Cluster)Package whose image is a local package
 * (`packsync.local/<repository>[:tag]`) is pinned to the digest just built, so a changed package
 * folder rolls out as a new revision and an unchanged one changes nothing; one whose local package
 * failed to build or does not exist is not applied. A failed apply never stops the others.
 */
import { coreGroup, coreVersion } from '../apis/index.js';
import { errorMessage } from '../errors.js';
import type { KubeObject, KubeWriter } from '../kube/index.js';
import { parseReference } from '../oci/index.js';
import { localRegistryHost, type FoundObject, type FoundProblem } from './discover.js';
import type { BuildResult } from './local-packages.js';

const pkoApiVersion = `${coreGroup}/${coreVersion}`;

export function isPackageObject(o: KubeObject): boolean {
  return o.apiVersion === pkoApiVersion && (o.kind === 'Package' || o.kind === 'ClusterPackage');
}

/** `repository -> tags` that the found Package objects ask of local packages. */
export function localImageTags(objects: readonly FoundObject[]): Map<string, Set<string>> {
  const tags = new Map<string, Set<string>>();
  for (const { object } of objects) {
    const ref = localRef(object);
    if (ref?.tag === undefined) continue;
    let set = tags.get(ref.repository);
    if (set === undefined) tags.set(ref.repository, (set = new Set()));
    set.add(ref.tag);
  }
  return tags;
}

function localRef(o: KubeObject): { repository: string; tag: string | undefined } | undefined {
  if (!isPackageObject(o)) return undefined;
  const image = (o.spec as { image?: unknown } | undefined)?.image;
  if (typeof image !== 'string') return undefined;
  try {
    const ref = parseReference(image);
    if (ref.registry !== localRegistryHost) return undefined;
    return {
      repository: ref.repository,
      tag: ref.digest === undefined ? (ref.tag ?? 'latest') : ref.tag,
    };
  } catch {
    return undefined;
  }
}

/**
 * A Package object for every built package no found object refers to, so a package folder alone
 * deploys: a ClusterPackage when the manifest allows the Cluster scope, else a Package in
 * `default`; named after the folder's last segment, with the package's default config.
 */
export function defaultPackageObjects(
  objects: readonly FoundObject[],
  builds: BuildResult,
): FoundObject[] {
  const referenced = new Set(
    objects.map((f) => localRef(f.object)?.repository).filter((r) => r !== undefined),
  );
  const out: FoundObject[] = [];
  for (const b of builds.built.values()) {
    if (referenced.has(b.found.repository)) continue;
    const name = b.found.repository.split('/').pop() ?? b.found.repository;
    const cluster = b.scopes.includes('Cluster');
    out.push({
      object: {
        apiVersion: pkoApiVersion,
        kind: cluster ? 'ClusterPackage' : 'Package',
        metadata: cluster ? { name } : { name, namespace: 'default' },
        spec: { image: `${localRegistryHost}/${b.found.repository}:latest` },
      },
      file: `${b.found.manifestShown} (default Package object)`,
      index: 0,
    });
  }
  return out;
}

export interface AppliedObject {
  found: FoundObject;
  object: KubeObject;
}

/** The object to apply, or why it is not applied. */
export function prepareObject(
  found: FoundObject,
  builds: BuildResult,
): { object: KubeObject } | { problem: string } {
  const o = structuredClone(found.object);
  if (isPackageObject(o) && o.kind === 'Package' && !o.metadata.namespace) {
    o.metadata.namespace = 'default';
  }
  const ref = localRef(o);
  if (ref === undefined) return { object: o };
  const failed = builds.failed.get(ref.repository);
  if (failed !== undefined) {
    return { problem: `not applied: its package ${failed.file} failed to build` };
  }
  const built = builds.built.get(ref.repository);
  if (built === undefined) {
    const image = (o.spec as { image: string }).image;
    return { problem: `not applied: no package folder ${ref.repository} for image ${image}` };
  }
  const tag = ref.tag ?? 'latest';
  (o.spec as { image: string }).image =
    `${localRegistryHost}/${ref.repository}:${tag}@${built.digest}`;
  return { object: o };
}

const label = (f: FoundObject): string =>
  `${f.object.kind} ${f.object.metadata.namespace ? `${f.object.metadata.namespace}/` : ''}${f.object.metadata.name}`;

/** Applies the found objects; returns what was applied and the problems (each naming its file). */
export async function applyObjects(
  writer: Pick<KubeWriter, 'apply'>,
  objects: readonly FoundObject[],
  builds: BuildResult,
): Promise<{ applied: AppliedObject[]; problems: FoundProblem[] }> {
  const ordered = [
    ...objects.filter((f) => f.object.apiVersion === 'v1' && f.object.kind === 'Namespace'),
    ...objects.filter((f) => !(f.object.apiVersion === 'v1' && f.object.kind === 'Namespace')),
  ];
  const applied: AppliedObject[] = [];
  const problems: FoundProblem[] = [];
  for (const found of ordered) {
    const where = `${found.file} (document ${found.index}, ${label(found)})`;
    const prepared = prepareObject(found, builds);
    if ('problem' in prepared) {
      problems.push({ file: where, message: prepared.problem });
      continue;
    }
    try {
      const object = await writer.apply(prepared.object, { force: true, fieldManager: 'packsync' });
      applied.push({ found, object });
    } catch (err) {
      problems.push({ file: where, message: `applying: ${errorMessage(err)}` });
    }
  }
  return { applied, problems };
}
