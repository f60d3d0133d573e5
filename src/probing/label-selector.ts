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
    checkKey(key);
    checkValue(value);
    requirements.push((labels) => labels[key] === value);
  }
  for (const req of selector.matchExpressions ?? []) requirements.push(requirement(req));
  return (labels) => requirements.every((r) => r(labels));
}

const namePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label key: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
function checkKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const bad =
    (prefix !== undefined && (prefix.length > 253 || !dnsSubdomain.test(prefix))) ||
    name.length > 63 ||
    !namePart.test(name);
  if (bad)
    throw new UserError(`key: Invalid value: ${JSON.stringify(key)}: not a qualified label key`);
}

/** A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends. */
function checkValue(value: string): void {
  if (value !== '' && (value.length > 63 || !namePart.test(value))) {
    throw new UserError(`values: Invalid value: ${JSON.stringify(value)}: not a valid label value`);
  }
}

function requirement(req: LabelSelectorRequirement): LabelMatcher {
  const values = req.values ?? [];
  const { key } = req;
  checkKey(key);
  values.forEach(checkValue);
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
