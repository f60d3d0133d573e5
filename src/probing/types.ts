/**
 * The availability probe API as PKO spells it (`corev1alpha1.ObjectSetProbe` and friends), as
 * minimal structural types. The zod API types in `src/apis` are the validated versions of these.
 */

/** `spec.availabilityProbes[]` of ObjectSets, ObjectSetPhases and PackageManifests. */
export interface ObjectSetProbe {
  selector: ProbeSelector;
  probes: Probe[];
}

export interface ProbeSelector {
  /** Only objects of this group and kind are probed. */
  kind?: PackageProbeKindSpec | null;
  /** Only objects whose labels match are probed. */
  selector?: LabelSelector | null;
}

export interface PackageProbeKindSpec {
  group: string;
  kind: string;
}

/** One probe; the first set field wins, in the order fieldsEqual, condition, cel. */
export interface Probe {
  condition?: ProbeConditionSpec | null;
  fieldsEqual?: ProbeFieldsEqualSpec | null;
  cel?: ProbeCELSpec | null;
}

export interface ProbeConditionSpec {
  type: string;
  status: string;
}

export interface ProbeFieldsEqualSpec {
  fieldA: string;
  fieldB: string;
}

export interface ProbeCELSpec {
  rule: string;
  message: string;
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | (string & {});
  values?: string[] | null;
}

/** A Kubernetes object as JSON (unstructured). */
export type KubeObject = Record<string, unknown>;

export type ProbeStatus = 'True' | 'False' | 'Unknown';

/** A probe's verdict with human readable reasons. */
export interface ProbeResult {
  status: ProbeStatus;
  messages: string[];
}

/** Checks one object; pure. */
export interface Prober {
  probe(obj: KubeObject): ProbeResult;
}
