/**
 * The availability probe API as PKO spells it (`corev1alpha1.ObjectSetProbe` and friends). The leaf
 * specs are `src/apis`' types; the containers are kept looser than the validated `src/apis` shapes
 * (fields may be null, `selector.kind` may be absent, any operator string), because probing takes
 * probes as stored objects carry them and reports what is wrong with PKO's messages. Every
 * `src/apis` ObjectSetProbe is one of these (checked below).
 */
import type {
  LabelSelector as ApiLabelSelector,
  ObjectSetProbe as ApiObjectSetProbe,
  Probe as ApiProbe,
} from '../apis/index.js';

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

export type PackageProbeKindSpec = ApiObjectSetProbe['selector']['kind'];

/** One probe; the first set field wins, in the order fieldsEqual, condition, cel. */
export interface Probe {
  condition?: ProbeConditionSpec | null;
  fieldsEqual?: ProbeFieldsEqualSpec | null;
  cel?: ProbeCELSpec | null;
}

export type ProbeConditionSpec = NonNullable<ApiProbe['condition']>;
export type ProbeFieldsEqualSpec = NonNullable<ApiProbe['fieldsEqual']>;
export type ProbeCELSpec = NonNullable<ApiProbe['cel']>;

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

// Parsed API objects feed probing without casts.
type Assignable<T extends U, U> = T;
export type ApiProbesAreProbes = Assignable<ApiObjectSetProbe, ObjectSetProbe>;
export type ApiSelectorsAreSelectors = Assignable<ApiLabelSelector, LabelSelector>;

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
