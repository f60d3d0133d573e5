/**
 * Availability probing (pure, no I/O). Pipeline: `availabilityProbes` -> parseProbes -> Prober
 * (selectors -> observedGeneration -> And(condition | fieldsEqual | cel)) -> probe(object) ->
 * {status, messages} -> PhaseProbeRecorder -> `Phase "<name>" failed: ...`.
 */
export { parseProbes, parseProbeList } from './parse.js';
export { AndProbe, combine } from './and.js';
export { ConditionProbe } from './condition.js';
export { FieldsEqualProbe, fieldPath } from './fields-equal.js';
export { CelProbe } from './cel.js';
export { ObservedGenerationProbe } from './observed-generation.js';
export { GroupKindSelector, LabelSelectorProbe } from './selectors.js';
export { compileLabelSelector } from './label-selector.js';
export type { LabelMatcher } from './label-selector.js';
export { objectFailureMessage, phaseFailureMessage, PhaseProbeRecorder } from './phase.js';
export type { PhaseProbeResult } from './phase.js';
export type {
  KubeObject,
  LabelSelector,
  LabelSelectorRequirement,
  ObjectSetProbe,
  PackageProbeKindSpec,
  Probe,
  ProbeCELSpec,
  ProbeConditionSpec,
  ProbeFieldsEqualSpec,
  ProbeResult,
  ProbeSelector,
  ProbeStatus,
  Prober,
} from './types.js';
