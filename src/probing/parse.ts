/**
 * `availabilityProbes` -> one Prober, as PKO's `probing.Parse`: per entry
 * LabelSelector(GroupKindSelector(ObservedGenerationProbe(And(probes)))), all entries ANDed.
 */
import { UserError } from '../errors.js';
import { AndProbe } from './and.js';
import { CelProbe } from './cel.js';
import { ConditionProbe } from './condition.js';
import { FieldsEqualProbe } from './fields-equal.js';
import { compileLabelSelector } from './label-selector.js';
import { ObservedGenerationProbe } from './observed-generation.js';
import { GroupKindSelector, LabelSelectorProbe } from './selectors.js';
import type { ObjectSetProbe, Probe, ProbeSelector, Prober } from './types.js';

/** Builds the prober for a list of ObjectSetProbes; throws UserError for a bad CEL rule or selector. */
export function parseProbes(probes: readonly ObjectSetProbe[]): Prober {
  return new AndProbe(
    probes.map((p, i) => {
      let prober: Prober;
      try {
        prober = parseProbeList(p.probes);
      } catch (err) {
        throw new UserError(`parsing probe #${i}: ${errText(err)}`, { cause: err });
      }
      try {
        return wrapSelector(p.selector, prober);
      } catch (err) {
        throw new UserError(`parsing selector of probe #${i}: ${errText(err)}`, { cause: err });
      }
    }),
  );
}

/** The probes of one entry, ANDed and wrapped in the observedGeneration check. */
export function parseProbeList(specs: readonly Probe[]): Prober {
  const list: Prober[] = [];
  for (const spec of specs) {
    if (spec.fieldsEqual) {
      list.push(new FieldsEqualProbe(spec.fieldsEqual.fieldA, spec.fieldsEqual.fieldB));
    } else if (spec.condition) {
      list.push(new ConditionProbe(spec.condition.type, spec.condition.status));
    } else if (spec.cel) {
      const probe = CelProbe.create(spec.cel.rule, spec.cel.message);
      if (!(probe instanceof CelProbe)) throw probe;
      list.push(probe);
    }
    // A probe with no known field is skipped, as in PKO.
  }
  return new ObservedGenerationProbe(new AndProbe(list));
}

function wrapSelector(selector: ProbeSelector | undefined, prober: Prober): Prober {
  let p = prober;
  if (selector?.kind) p = new GroupKindSelector(p, selector.kind.group, selector.kind.kind);
  if (selector?.selector) p = new LabelSelectorProbe(p, compileLabelSelector(selector.selector));
  return p;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
