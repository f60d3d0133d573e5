/**
 * metav1.LabelSelector matching: `matchLabels` and `matchExpressions` (In, NotIn, Exists,
 * DoesNotExist), all ANDed. An empty selector matches everything.
 */
import { UserError } from '../errors.js';
import type { LabelSelector, LabelSelectorRequirement } from './types.js';

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

/** Validates the selector (as `LabelSelectorAsSelector` does) and returns its matcher. */
export function compileLabelSelector(selector: LabelSelector): LabelMatcher {
  const requirements: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push((labels) => labels[key] === value);
  }
  for (const req of selector.matchExpressions ?? []) requirements.push(requirement(req));
  return (labels) => requirements.every((r) => r(labels));
}

function requirement(req: LabelSelectorRequirement): LabelMatcher {
  const values = req.values ?? [];
  const { key } = req;
  const has = (labels: Readonly<Record<string, string>>): boolean => Object.hasOwn(labels, key);
  switch (req.operator) {
    case 'In':
    case 'NotIn': {
      if (values.length === 0) {
        throw new UserError(
          `values: Invalid value: for 'in', 'notin' operators, values set can't be empty`,
        );
      }
      const set = new Set(values);
      return req.operator === 'In'
        ? (labels) => has(labels) && set.has(labels[key] as string)
        : (labels) => !has(labels) || !set.has(labels[key] as string);
    }
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        throw new UserError(
          `values: Invalid value: values set must be empty for exists and does not exist`,
        );
      }
      return req.operator === 'Exists' ? has : (labels) => !has(labels);
    default:
      throw new UserError(`"${req.operator}" is not a valid label selector operator`);
  }
}
