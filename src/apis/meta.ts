/**
 * Types shared by every kind: ObjectMeta, metav1.Condition, LabelSelector, references. Field for field
 * as in `k8s.io/apimachinery/pkg/apis/meta/v1`, restricted to what a CRD schema may say about them.
 */
import { s, type Infer } from './schema.js';

export const ownerReference = s.object({
  apiVersion: s.string(),
  kind: s.string(),
  name: s.string(),
  uid: s.string(),
  controller: s.boolean().optional(),
  blockOwnerDeletion: s.boolean().optional(),
});
export type OwnerReference = Infer<typeof ownerReference>;

/**
 * `metav1.ObjectMeta`. Unknown fields are kept (managedFields and friends pass through untouched).
 * In a CRD the root `metadata` is only `type: object`: the API server validates it itself.
 */
export const objectMeta = s
  .object({
    name: s.string().optional(),
    generateName: s.string().optional(),
    namespace: s.string().optional(),
    uid: s.string().optional(),
    resourceVersion: s.string().optional(),
    generation: s.int64().optional(),
    creationTimestamp: s.dateTime().optional(),
    deletionTimestamp: s.dateTime().optional(),
    deletionGracePeriodSeconds: s.int64().optional(),
    labels: s.map(s.string()).optional(),
    annotations: s.map(s.string()).optional(),
    ownerReferences: s.array(ownerReference).optional(),
    finalizers: s.array(s.string()).optional(),
  })
  .preserveUnknown();
export type ObjectMeta = Infer<typeof objectMeta>;

/** The fields of ObjectMeta, in Go's field order (JSON output, pruning, unknown-field checks). */
export const objectMetaFieldNames = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
] as const;

export const conditionStatuses = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof conditionStatuses)[number];

/** `metav1.Condition`, with the API server's own limits. */
export const condition = s
  .object({
    type: s
      .string()
      .maxLength(316)
      .pattern(
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      )
      .description('type of condition in CamelCase or in foo.example.com/CamelCase.'),
    status: s
      .enum(conditionStatuses)
      .description('status of the condition, one of True, False, Unknown.'),
    observedGeneration: s
      .int64()
      .minimum(0)
      .optional()
      .description(
        'observedGeneration represents the .metadata.generation that the condition was set based upon.',
      ),
    lastTransitionTime: s
      .dateTime()
      .description(
        'lastTransitionTime is the last time the condition transitioned from one status to another.',
      ),
    reason: s
      .string()
      .minLength(1)
      .maxLength(1024)
      .pattern('^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$')
      .description(
        "reason contains a programmatic identifier indicating the reason for the condition's last transition.",
      ),
    message: s
      .string()
      .maxLength(32768)
      .description('message is a human readable message indicating details about the transition.'),
  })
  .description(
    'Condition contains details for one aspect of the current state of this API Resource.',
  );
export type Condition = Infer<typeof condition>;

export const conditions = s
  .array(condition)
  .listType('map', ['type'])
  .optional()
  .description('Conditions is a list of status conditions ths object is in.');

export const labelSelectorOperators = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export const labelSelectorRequirement = s
  .object({
    key: s.string().description('key is the label key that the selector applies to.'),
    operator: s
      .enum(labelSelectorOperators)
      .description("operator represents a key's relationship to a set of values."),
    values: s
      .array(s.string())
      .listType('atomic')
      .optional()
      .description(
        'values is an array of string values. If the operator is In or NotIn, the values array must be non-empty.',
      ),
  })
  .description(
    'A label selector requirement is a selector that contains values, a key, and an operator.',
  );

/** `metav1.LabelSelector`. */
export const labelSelector = s
  .object({
    matchExpressions: s
      .array(labelSelectorRequirement)
      .listType('atomic')
      .optional()
      .description(
        'matchExpressions is a list of label selector requirements. The requirements are ANDed.',
      ),
    matchLabels: s
      .map(s.string())
      .optional()
      .description('matchLabels is a map of {key,value} pairs. The requirements are ANDed.'),
  })
  .mapType('atomic');
export type LabelSelector = Infer<typeof labelSelector>;

/** An object controlled by a Package Operator object (`ControlledObjectReference`). */
export const controlledObjectReference = s
  .object({
    kind: s.string().description('Object Kind.'),
    group: s.string().description('Object Group.'),
    name: s.string().description('Object Name.'),
    namespace: s.string().optional().description('Object Namespace.'),
    version: s.string().optional().description('Object Version.'),
  })
  .description('ControlledObjectReference an object controlled by this object.');
export type ControlledObjectReference = Infer<typeof controlledObjectReference>;

/** Kubernetes-style object with type and object metadata, as every kind has. */
export interface TypedObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}
