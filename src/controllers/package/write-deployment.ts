/**
 * Writes a rendered package: the (Cluster)ObjectDeployment, then its ObjectSlices. Shared by the
 * (Cluster)Package and (Cluster)GitSync controllers, which differ only in how they build `desired`.
 */
import { isAlreadyExists, type KubeObject, type KubeWriter } from '../../kube/index.js';
import type { DeployPlan } from '../../packages/index.js';
import { desiredSlices, mergeDeployment } from './desired.js';

export interface WriteDeploymentOptions {
  /** The live OD needs no update (e.g. a content hash says so); default: always update. */
  upToDate?: (live: KubeObject, desired: KubeObject) => boolean;
}

/** Creates or updates the OD (`live` as last read), then creates the slices it lacks. */
export async function writeDeploymentAndSlices(
  writer: KubeWriter,
  live: KubeObject | undefined,
  desired: KubeObject,
  plan: DeployPlan,
  opts: WriteDeploymentOptions = {},
): Promise<KubeObject> {
  const name = desired.metadata.name ?? '';
  let od: KubeObject;
  if (live === undefined) {
    try {
      od = await writer.create(desired);
    } catch (err) {
      // Another worker created it between our read and write: the retry merges into it.
      if (isAlreadyExists(err))
        throw new Error(`creating ${desired.kind} ${name}: already exists`, { cause: err });
      throw err;
    }
  } else if (opts.upToDate?.(live, desired) === true) {
    od = live;
  } else {
    od = await writer.update(mergeDeployment(live, desired));
  }
  for (const slice of desiredSlices(plan, {
    apiVersion: od.apiVersion,
    kind: od.kind,
    name,
    uid: od.metadata.uid ?? '',
  })) {
    try {
      await writer.create(slice);
    } catch (err) {
      // Slice names are content hashes: an existing one holds the same objects.
      if (!isAlreadyExists(err)) throw err;
    }
  }
  return od;
}
