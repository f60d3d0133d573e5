/**
 * Archival (pure), as PKO's archive step: walk the revisions newest to oldest. Below an
 * Available revision every older non-archived revision is a candidate; otherwise an
 * intermediate revision is a candidate when it is not Available and controls nothing the newer
 * revision contains. Archival is two-step: pause first, archive once `Paused=True` is reported.
 * After archiving, previous revisions beyond `revisionHistoryLimit` are deleted, oldest first.
 */
import type { ControlledObjectReference } from '../../apis/index.js';
import type { Revision } from './revisions.js';

export interface ArchivePlan {
  /** Set `lifecycleState: Paused` (first step). */
  pause: string[];
  /** Set `lifecycleState: Archived` (second step). */
  archive: string[];
  /** Delete (history limit), oldest first. */
  delete: string[];
}

const refKey = (r: ControlledObjectReference): string =>
  `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

export function planArchival(
  current: Revision | undefined,
  previous: readonly Revision[],
  revisionHistoryLimit: number,
): ArchivePlan {
  const plan: ArchivePlan = { pause: [], archive: [], delete: [] };
  if (current === undefined) return plan;
  const all = [...previous, current].sort((a, b) => a.revision - b.revision);
  const candidates: Revision[] = [];
  const ensurePaused = (r: Revision): boolean => {
    if (r.statusPaused) return true;
    if (!r.specPaused && !plan.pause.includes(r.name)) plan.pause.push(r.name);
    return false;
  };

  for (let j = all.length - 1; j >= 0; j--) {
    const latest = all[j]!;
    if (latest.available) {
      for (const older of all.slice(0, j)) {
        if (older.archived) continue;
        if (older.revision < latest.revision && ensurePaused(older)) candidates.push(older);
      }
      break;
    }
    if (j === 0) continue;
    const older = all[j - 1]!;
    if (older.archived) continue;
    if (latest.revision <= older.revision) continue;
    if (older.controllerOf === undefined) continue;
    const latestObjects = new Set(latest.objects.map(refKey));
    const common = older.controllerOf.some((r) => latestObjects.has(refKey(r)));
    if (!common && !older.available && ensurePaused(older)) candidates.push(older);
  }

  if (candidates.length === 0) return plan;
  candidates.sort((a, b) => a.revision - b.revision);
  for (const c of candidates) {
    if (!c.archived && c.statusPaused && c.revision !== 0) plan.archive.push(c.name);
  }
  const sortedPrev = [...previous].sort((a, b) => a.revision - b.revision);
  const excess = sortedPrev.length - revisionHistoryLimit;
  if (excess > 0) plan.delete.push(...sortedPrev.slice(0, excess).map((r) => r.name));
  return plan;
}
