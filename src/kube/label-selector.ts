/**
 * Label selector strings matched against labels, for filtering cached objects the way the API server
 * filters lists (the parser is shared with the embedded server).
 */
import {
  LabelSelectorSyntaxError,
  parseLabelSelector as parseSelector,
  type LabelRequirement,
} from '../apis/label-selector.js';

export type { LabelRequirement };
export { matchesLabels } from '../apis/label-selector.js';

export function parseLabelSelector(selector: string): LabelRequirement[] {
  try {
    return parseSelector(selector);
  } catch (err) {
    if (err instanceof LabelSelectorSyntaxError)
      throw new LabelSelectorSyntaxError(
        `invalid label selector ${JSON.stringify(selector)}: ${err.message}`,
        {
          cause: err,
        },
      );
    throw err;
  }
}
