/**
 * `package-operator.run/v1alpha1`: Package, ObjectDeployment, ObjectSet, ObjectSetPhase, ObjectSlice,
 * ObjectTemplate and their cluster-scoped twins, field for field as Package Operator's API reference
 * (names, defaults, enums, immutability rules and their messages).
 */
import type { ValidationRule } from './openapi.js';
import { s, type Infer } from './schema.js';
import {
  conditions,
  controlledObjectReference,
  labelSelector,
  objectMeta,
  type ObjectMeta,
} from './meta.js';
import { objectDeploymentPhases, packagePhases } from './conditions.js';
import { collisionProtections } from './labels.js';
import {
  ageColumn,
  conditionColumn,
  defineKind,
  type KindType,
  type PrinterColumn,
} from './kind.js';

const group = 'package-operator.run';
const version = 'v1alpha1';
export const coreGroup = group;
export const coreVersion = version;
const categories = ['package-operator'] as const;

// ---------------------------------------------------------------------------------------------------
// Probes

export const packageProbeKindSpec = s
  .object({
    group: s.string().description('Object Group to apply a probe to.'),
    kind: s.string().description('Object Kind to apply a probe to.'),
  })
  .description('Kind and API Group of the object to probe.');

export const probeConditionSpec = s
  .object({
    type: s.string().description('Condition type to probe for.'),
    status: s.string().default('True').description('Condition status to probe for.'),
  })
  .description(
    'ProbeConditionSpec checks whether or not the object reports a condition with given type and status.',
  );

export const probeFieldsEqualSpec = s
  .object({
    fieldA: s.string().description('First field for comparison.'),
    fieldB: s.string().description('Second field for comparison.'),
  })
  .description('ProbeFieldsEqualSpec compares two fields specified by JSON Paths.');

export const probeCELSpec = s
  .object({
    rule: s.string().description('CEL rule to evaluate.'),
    message: s.string().description('Error message to output if rule evaluates to false.'),
  })
  .description(
    'ProbeCELSpec uses Common Expression Language (CEL) to probe an object.\n' +
      'CEL rules have to evaluate to a boolean to be valid.',
  );

export const probe = s
  .object({
    condition: probeConditionSpec.optional(),
    fieldsEqual: probeFieldsEqualSpec.optional(),
    cel: probeCELSpec.optional(),
  })
  .description('Probe defines probe parameters. Only one can be filled.');
export type Probe = Infer<typeof probe>;

export const probeSelector = s
  .object({
    kind: packageProbeKindSpec,
    selector: labelSelector
      .optional()
      .description('Further sub-selects objects based on a Label Selector.'),
  })
  .description('Selector specifies which objects this probe should target.');

export const objectSetProbe = s
  .object({
    probes: s.array(probe).description('Probe configuration parameters.'),
    selector: probeSelector,
  })
  .description('ObjectSetProbe define how ObjectSets check their children for their status.');
export type ObjectSetProbe = Infer<typeof objectSetProbe>;

export const availabilityProbes = s
  .array(objectSetProbe)
  .optional()
  .description(
    'Availability Probes check objects that are part of the package.\n' +
      'All probes need to succeed for a package to be considered Available.\n' +
      'Failing probes will prevent the reconciliation of objects in later phases.',
  );

// ---------------------------------------------------------------------------------------------------
// Objects and phases

/** Any Kubernetes object: `apiVersion` and `kind` set, everything else kept as is. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** An object embedded in a phase (`x-kubernetes-embedded-resource`). */
export const embeddedObject = s.freeform<KubeObject>().embeddedResource();

export const conditionMapping = s
  .object({
    sourceType: s.string().description('Source condition type.'),
    destinationType: s
      .string()
      .pattern(
        '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]',
      )
      .description('Destination condition type to report into Package Operator APIs.'),
  })
  .description('ConditionMapping maps one condition type to another.');
export type ConditionMapping = Infer<typeof conditionMapping>;

export const objectSetObject = s
  .object({
    object: embeddedObject,
    collisionProtection: s
      .enum(collisionProtections)
      .default('Prevent')
      .description(
        'Collision protection prevents Package Operator from working on objects already under\n' +
          'management by a different operator.',
      ),
    conditionMappings: s
      .array(conditionMapping)
      .optional()
      .description('Maps conditions from this object into the Package Operator APIs.'),
  })
  .description('ObjectSetObject is an object that is part of the phase of an ObjectSet.');
export type ObjectSetObject = Infer<typeof objectSetObject>;

export const objectSetTemplatePhase = s
  .object({
    name: s.string().description('Name of the reconcile phase. Must be unique within a ObjectSet.'),
    class: s
      .string()
      .optional()
      .description(
        'If non empty, the ObjectSet controller will delegate phase reconciliation\n' +
          'to another controller, by creating an ObjectSetPhase object. If set to the\n' +
          'string "default" the built-in Package Operator ObjectSetPhase controller\n' +
          'will reconcile the object in the same way the ObjectSet would. If set to\n' +
          'any other string, an out-of-tree controller needs to be present to handle\n' +
          'ObjectSetPhase objects.',
      ),
    objects: s.array(objectSetObject).optional().description('Objects belonging to this phase.'),
    slices: s
      .array(s.string())
      .optional()
      .description('References to ObjectSlices containing objects for this phase.'),
  })
  .description('ObjectSetTemplatePhase configures the reconcile phase of ObjectSets.');
export type ObjectSetTemplatePhase = Infer<typeof objectSetTemplatePhase>;

const phases = s
  .array(objectSetTemplatePhase)
  .optional()
  .description(
    'Reconcile phase configuration for a ObjectSet.\n' +
      'Phases will be reconciled in order and the contained objects checked\n' +
      'against given probes before continuing with the next phase.',
  );

const successDelaySeconds = s
  .int32()
  .optional()
  .description(
    'Success Delay Seconds applies a wait period from the time an\n' +
      'Object Set is available to the time it is marked as successful.',
  );

export const objectSetTemplateSpec = s
  .object({ phases, availabilityProbes, successDelaySeconds })
  .description('ObjectSet specification.');
export type ObjectSetTemplateSpec = Infer<typeof objectSetTemplateSpec>;

export const objectSetTemplate = s
  .object({
    metadata: s
      .object({
        name: s.string().optional(),
        namespace: s.string().optional(),
        labels: s.map(s.string()).optional(),
        annotations: s.map(s.string()).optional(),
        finalizers: s.array(s.string()).optional(),
      })
      .description('Common Object Metadata.'),
    spec: objectSetTemplateSpec,
  })
  .description('Template to create new ObjectSets from.');
export type ObjectSetTemplate = Infer<typeof objectSetTemplate>;

export const previousRevisionReference = s
  .object({ name: s.string().description('Name of a previous revision.') })
  .description('PreviousRevisionReference references a previous revision of an ObjectSet.');
export type PreviousRevisionReference = Infer<typeof previousRevisionReference>;

export const remotePhaseReference = s
  .object({ name: s.string(), uid: s.string() })
  .description(
    'RemotePhaseReference remote phases aka ObjectSetPhase objects to which a phase is delegated.',
  );
export type RemotePhaseReference = Infer<typeof remotePhaseReference>;

export const objectSetLifecycleStates = ['Active', 'Paused', 'Archived'] as const;
export type ObjectSetLifecycleState = (typeof objectSetLifecycleStates)[number];

// ---------------------------------------------------------------------------------------------------
// Immutability (pko-semantics.md §8: the message is always "<field> is immutable")

/** Presence must not change, and when present the value must not change. */
function immutableOptional(field: string): ValidationRule {
  return {
    rule:
      `(has(self.${field}) == has(oldSelf.${field})) && ` +
      `(!has(self.${field}) || (self.${field} == oldSelf.${field}))`,
    message: `${field} is immutable`,
  };
}

function immutable(field: string): ValidationRule {
  return { rule: 'self == oldSelf', message: `${field} is immutable` };
}

// ---------------------------------------------------------------------------------------------------
// ObjectSet / ClusterObjectSet

export const objectSetSpec = s
  .object({
    lifecycleState: s
      .enum(objectSetLifecycleStates)
      .default('Active')
      .description('Specifies the lifecycle state of the ObjectSet.'),
    previous: s
      .array(previousRevisionReference)
      .optional()
      .description('Previous revisions of the ObjectSet to adopt objects from.'),
    revision: s
      .int64()
      .optional()
      .description('Computed revision number, monotonically increasing.'),
    phases,
    availabilityProbes,
    successDelaySeconds,
  })
  .validations([
    immutableOptional('previous'),
    immutableOptional('phases'),
    immutableOptional('availabilityProbes'),
    immutableOptional('successDelaySeconds'),
    {
      rule: '!has(oldSelf.revision) || (self.revision == oldSelf.revision)',
      message: 'revision is immutable',
    },
  ])
  .description('ObjectSetSpec defines the desired state of a ObjectSet.');
export type ObjectSetSpec = Infer<typeof objectSetSpec>;

export const objectSetStatus = s
  .object({
    conditions,
    revision: s.int64().optional().description('Deprecated: use .spec.revision instead'),
    remotePhases: s
      .array(remotePhaseReference)
      .optional()
      .description('Remote phases aka ObjectSetPhase objects.'),
    controllerOf: s
      .array(controlledObjectReference)
      .optional()
      .description('References all objects controlled by this instance.'),
  })
  .description('ObjectSetStatus defines the observed state of a ObjectSet.');
export type ObjectSetStatus = Infer<typeof objectSetStatus>;

const objectSetColumns: PrinterColumn[] = [
  conditionColumn('Available'),
  conditionColumn('Paused'),
  conditionColumn('Archived', 1),
  conditionColumn('Succeeded', 1),
  conditionColumn('InTransition', 1),
  { name: 'Revision', type: 'string', jsonPath: '.spec.revision' },
  ageColumn,
];

const objectSetFields = {
  spec: objectSetSpec.default({}),
  status: objectSetStatus.optional(),
};

export const ObjectSet = defineKind(
  {
    group,
    version,
    kind: 'ObjectSet',
    plural: 'objectsets',
    shortNames: ['objset', 'os'],
    categories,
    scope: 'Namespaced',
    description:
      'ObjectSet reconciles a collection of objects through ordered phases and aggregates their status.\n\n' +
      'ObjectSets behave similarly to Kubernetes ReplicaSets, by managing a collection of objects and\n' +
      'being itself mostly immutable.',
    crd: { printerColumns: objectSetColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectSetFields,
);
export type ObjectSet = KindType<typeof ObjectSet>;

export const ClusterObjectSet = defineKind(
  {
    group,
    version,
    kind: 'ClusterObjectSet',
    plural: 'clusterobjectsets',
    shortNames: ['clobjset', 'cos'],
    categories,
    scope: 'Cluster',
    description:
      'ClusterObjectSet reconciles a collection of objects through ordered phases and aggregates their status.\n\n' +
      'A Namespace-scoped version of this API is available as ObjectSet.',
    crd: { printerColumns: objectSetColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectSetFields,
);
export type ClusterObjectSet = KindType<typeof ClusterObjectSet>;

// ---------------------------------------------------------------------------------------------------
// ObjectDeployment / ClusterObjectDeployment

export const objectDeploymentSpec = s
  .object({
    revisionHistoryLimit: s
      .int32()
      .default(10)
      .description('Number of old revisions in the form of archived ObjectSets to keep.'),
    selector: labelSelector.description('Selector targets ObjectSets managed by this Deployment.'),
    template: objectSetTemplate,
    paused: s
      .boolean()
      .optional()
      .description('If Paused is true, the object and its children will not be reconciled.'),
  })
  .description('ObjectDeploymentSpec defines the desired state of an ObjectDeployment.');
export type ObjectDeploymentSpec = Infer<typeof objectDeploymentSpec>;

export const objectDeploymentStatus = s
  .object({
    conditions,
    phase: s
      .enum(objectDeploymentPhases)
      .optional()
      .description(
        'Printable summary of the conditions for kubectl. Evaluate .conditions in code instead.',
      ),
    collisionCount: s
      .int32()
      .optional()
      .description('Count of hash collisions of the ObjectDeployment.'),
    templateHash: s.string().optional().description('Computed TemplateHash.'),
    revision: s.int64().optional().description('Deployment revision.'),
    controllerOf: s
      .array(controlledObjectReference)
      .optional()
      .description('ControllerOf references the owned ObjectSet revisions.'),
  })
  .description('ObjectDeploymentStatus defines the observed state of an ObjectDeployment.');
export type ObjectDeploymentStatus = Infer<typeof objectDeploymentStatus>;

const statusColumn: PrinterColumn = { name: 'Status', type: 'string', jsonPath: '.status.phase' };

const objectDeploymentColumns: PrinterColumn[] = [
  statusColumn,
  conditionColumn('Available'),
  { name: 'Revision', type: 'string', jsonPath: '.status.revision' },
  conditionColumn('Progressing'),
  conditionColumn('Paused'),
  ageColumn,
];

const objectDeploymentFields = {
  spec: objectDeploymentSpec,
  status: objectDeploymentStatus.default({ phase: 'Pending' }),
};

export const ObjectDeployment = defineKind(
  {
    group,
    version,
    kind: 'ObjectDeployment',
    plural: 'objectdeployments',
    shortNames: ['objdeploy', 'od'],
    categories,
    scope: 'Namespaced',
    description: 'ObjectDeployment is the Schema for the ObjectDeployments API',
    crd: { printerColumns: objectDeploymentColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectDeploymentFields,
);
export type ObjectDeployment = KindType<typeof ObjectDeployment>;

export const ClusterObjectDeployment = defineKind(
  {
    group,
    version,
    kind: 'ClusterObjectDeployment',
    plural: 'clusterobjectdeployments',
    shortNames: ['clobjdeploy', 'cod'],
    categories,
    scope: 'Cluster',
    description: 'ClusterObjectDeployment is the Schema for the ClusterObjectDeployments API',
    crd: { printerColumns: objectDeploymentColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectDeploymentFields,
);
export type ClusterObjectDeployment = KindType<typeof ClusterObjectDeployment>;

// ---------------------------------------------------------------------------------------------------
// ObjectSetPhase / ClusterObjectSetPhase

export const objectSetPhaseSpec = s
  .object({
    paused: s
      .boolean()
      .optional()
      .description(
        'Disables reconciliation of the ObjectSet.\n' +
          'Only Status updates will still be propagated, but object changes will not be reconciled.',
      ),
    revision: s
      .int64()
      .validations([immutable('revision')])
      .description('Revision of the parent ObjectSet to use during object adoption.'),
    previous: s
      .array(previousRevisionReference)
      .optional()
      .validations([immutable('previous')])
      .description('Previous revisions of the ObjectSet to adopt objects from.'),
    availabilityProbes: availabilityProbes.validations([immutable('availabilityProbes')]),
    objects: s
      .array(objectSetObject)
      .validations([immutable('objects')])
      .description('Objects belonging to this phase.'),
  })
  .validations([
    { rule: 'has(self.previous) == has(oldSelf.previous)', message: 'previous is immutable' },
    {
      rule: 'has(self.availabilityProbes) == has(oldSelf.availabilityProbes)',
      message: 'availabilityProbes is immutable',
    },
  ])
  .description('ObjectSetPhaseSpec defines the desired state of a ObjectSetPhase.');
export type ObjectSetPhaseSpec = Infer<typeof objectSetPhaseSpec>;

export const objectSetPhaseStatus = s
  .object({
    conditions,
    controllerOf: s
      .array(controlledObjectReference)
      .optional()
      .description('References all objects controlled by this instance.'),
  })
  .description('ObjectSetPhaseStatus defines the observed state of a ObjectSetPhase.');
export type ObjectSetPhaseStatus = Infer<typeof objectSetPhaseStatus>;

const objectSetPhaseColumns: PrinterColumn[] = [
  conditionColumn('Available'),
  conditionColumn('Paused'),
  { name: 'Revision', type: 'string', jsonPath: '.spec.revision' },
  ageColumn,
];

const objectSetPhaseFields = {
  spec: objectSetPhaseSpec,
  status: objectSetPhaseStatus.optional(),
};

export const ObjectSetPhase = defineKind(
  {
    group,
    version,
    kind: 'ObjectSetPhase',
    plural: 'objectsetphases',
    shortNames: ['objsetphase', 'osp'],
    categories,
    scope: 'Namespaced',
    description:
      'ObjectSetPhase is an internal API, allowing an ObjectSet to delegate a single phase to another custom controller.\n' +
      'ObjectSets will create subordinate ObjectSetPhases when `.class` within the phase specification is set.',
    crd: { printerColumns: objectSetPhaseColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectSetPhaseFields,
);
export type ObjectSetPhase = KindType<typeof ObjectSetPhase>;

export const ClusterObjectSetPhase = defineKind(
  {
    group,
    version,
    kind: 'ClusterObjectSetPhase',
    plural: 'clusterobjectsetphases',
    categories,
    scope: 'Cluster',
    description:
      'ClusterObjectSetPhase is an internal API, allowing a ClusterObjectSet to delegate a\n' +
      'single phase to another custom controller.',
    crd: { printerColumns: objectSetPhaseColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectSetPhaseFields,
);
export type ClusterObjectSetPhase = KindType<typeof ClusterObjectSetPhase>;

// ---------------------------------------------------------------------------------------------------
// ObjectSlice / ClusterObjectSlice

const objectSliceFields = {
  objects: s.array(objectSetObject).validations([immutable('objects')]),
};

export const ObjectSlice = defineKind(
  {
    group,
    version,
    kind: 'ObjectSlice',
    plural: 'objectslices',
    categories,
    scope: 'Namespaced',
    description:
      'ObjectSlice is referenced by ObjectSets or ObjectDeployments and contain objects to\n' +
      'limit the size of ObjectSets and ObjectDeployments when big packages are installed.',
    crd: { printerColumns: [ageColumn], statusSubresource: false },
  },
  objectMeta.default({}),
  objectSliceFields,
);
export type ObjectSlice = KindType<typeof ObjectSlice>;

export const ClusterObjectSlice = defineKind(
  {
    group,
    version,
    kind: 'ClusterObjectSlice',
    plural: 'clusterobjectslices',
    categories,
    scope: 'Cluster',
    description:
      'ClusterObjectSlice is referenced by ObjectSets or ObjectDeployments and contain objects to\n' +
      'limit the size of ObjectSet and ObjectDeployments when big packages are installed.',
    crd: { printerColumns: [ageColumn], statusSubresource: false },
  },
  objectMeta.default({}),
  objectSliceFields,
);
export type ClusterObjectSlice = KindType<typeof ClusterObjectSlice>;

// ---------------------------------------------------------------------------------------------------
// ObjectTemplate / ClusterObjectTemplate

export const objectTemplateSourceItem = s
  .object({
    key: s.string().description('JSONPath to value in source object.'),
    destination: s
      .string()
      .description('JSONPath to destination in which to store copy of the source value.'),
  })
  .description('ObjectTemplateSourceItem defines a source item for an object template.');

export const objectTemplateSource = s
  .object({
    apiVersion: s.string(),
    kind: s.string(),
    namespace: s.string().optional(),
    name: s.string(),
    items: s.array(objectTemplateSourceItem),
    optional: s
      .boolean()
      .optional()
      .description(
        'Marks this source as optional.\n' +
          'The templated object will still be applied if optional sources are not found.',
      ),
  })
  .description('ObjectTemplateSource defines a source for a template.');
export type ObjectTemplateSource = Infer<typeof objectTemplateSource>;

export const objectTemplateSpec = s
  .object({
    template: s.string().description('Go template of a Kubernetes manifest'),
    sources: s
      .array(objectTemplateSource)
      .description('Objects in which configuration parameters are fetched'),
  })
  .description('ObjectTemplateSpec specification.');
export type ObjectTemplateSpec = Infer<typeof objectTemplateSpec>;

export const objectTemplateStatus = s
  .object({
    conditions: conditions.description(
      'Conditions is a list of status conditions the templated object is in.',
    ),
    controllerOf: s
      .object({
        kind: s.string().description('Object Kind.'),
        group: s.string().description('Object Group.'),
        name: s.string().description('Object Name.'),
        namespace: s.string().optional().description('Object Namespace.'),
        version: s.string().description('Object Version.'),
      })
      .optional()
      .description('ControllerOf references the templated object.'),
  })
  .description('ObjectTemplateStatus defines the observed state of a ObjectTemplate.');
export type ObjectTemplateStatus = Infer<typeof objectTemplateStatus>;

const objectTemplateColumns: PrinterColumn[] = [
  conditionColumn('package-operator.run/Invalid'),
  ageColumn,
];

const objectTemplateFields = {
  spec: objectTemplateSpec,
  status: objectTemplateStatus.optional(),
};

export const ObjectTemplate = defineKind(
  {
    group,
    version,
    kind: 'ObjectTemplate',
    plural: 'objecttemplates',
    shortNames: ['objtmpl', 'ot'],
    categories,
    scope: 'Namespaced',
    description:
      'ObjectTemplate contain a go template of a Kubernetes manifest. This manifest is then templated with the\n' +
      'sources provided in the .Spec.Sources. The sources can only come from objects within the same namespace\n' +
      'as the ObjectTemplate.',
    crd: { printerColumns: objectTemplateColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectTemplateFields,
);
export type ObjectTemplate = KindType<typeof ObjectTemplate>;

export const ClusterObjectTemplate = defineKind(
  {
    group,
    version,
    kind: 'ClusterObjectTemplate',
    plural: 'clusterobjecttemplates',
    categories,
    scope: 'Cluster',
    description:
      'ClusterObjectTemplate contain a go template of a Kubernetes manifest. The manifest is then templated with the\n' +
      'sources provided in the .Spec.Sources. The sources can come from objects from any namespace or cluster scoped\n' +
      'objects.',
    crd: { printerColumns: objectTemplateColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  objectTemplateFields,
);
export type ClusterObjectTemplate = KindType<typeof ClusterObjectTemplate>;

// ---------------------------------------------------------------------------------------------------
// Package / ClusterPackage

export const packageSpec = s
  .object({
    image: s
      .string()
      .description(
        'the image containing the contents of the package\n' +
          'this image will be unpacked by the package-loader to render\n' +
          'the ObjectDeployment for propagating the installation of the package.',
      ),
    config: s.freeform().optional().description('Package configuration parameters.'),
    component: s
      .string()
      .optional()
      .description('Desired component to deploy from multi-component packages.'),
    paused: s
      .boolean()
      .optional()
      .description('If Paused is true, the package and its children will not be reconciled.'),
  })
  .description('PackageSpec specifies a package.');
export type PackageSpec = Infer<typeof packageSpec>;

export const packageStatus = s
  .object({
    conditions,
    phase: s
      .enum(packagePhases)
      .optional()
      .description(
        'Printable summary of the conditions for kubectl. Evaluate .conditions in code instead.',
      ),
    unpackedHash: s
      .string()
      .optional()
      .description('Hash of image + config that was successfully unpacked.'),
    revision: s
      .int64()
      .optional()
      .description('Package revision as reported by the ObjectDeployment.'),
  })
  .description('PackageStatus defines the observed state of a Package.');
export type PackageStatus = Infer<typeof packageStatus>;

const packageColumns: PrinterColumn[] = [
  statusColumn,
  conditionColumn('Available'),
  conditionColumn('Progressing'),
  conditionColumn('Unpacked'),
  conditionColumn('Invalid'),
  { name: 'Revision', type: 'string', jsonPath: '.status.revision' },
  ageColumn,
];

const packageFields = {
  spec: packageSpec,
  status: packageStatus.default({ phase: 'Pending' }),
};

export const Package = defineKind(
  {
    group,
    version,
    kind: 'Package',
    plural: 'packages',
    shortNames: ['pkg'],
    categories,
    scope: 'Namespaced',
    description: 'Package defines a namespaced package installation.',
    crd: { printerColumns: packageColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  packageFields,
);
export type Package = KindType<typeof Package>;

export const ClusterPackage = defineKind(
  {
    group,
    version,
    kind: 'ClusterPackage',
    plural: 'clusterpackages',
    shortNames: ['clpkg'],
    categories,
    scope: 'Cluster',
    description: 'ClusterPackage defines a cluster scoped package installation.',
    crd: { printerColumns: packageColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  packageFields,
);
export type ClusterPackage = KindType<typeof ClusterPackage>;
