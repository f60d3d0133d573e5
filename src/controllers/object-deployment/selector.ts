/**
 * metav1.LabelSelector -> the label selector string of list requests (pure), so the ObjectSets of
 * one deployment are filtered by the cache (or the server) instead of scanning every set.
 */
import type { LabelSelector } from '../../probing/index.js';

export function formatLabelSelector(sel: LabelSelector): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    parts.push(`${k}=${v}`);
  }
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        throw new Error(`unknown label selector operator ${JSON.stringify(e.operator)}`);
    }
  }
  return parts.join(',');
}
