/**
 * TypeSchemas of the built-in kinds the server serves, with the list and map semantics of the
 * Kubernetes OpenAPI (`x-kubernetes-list-type`, `list-map-keys`, `map-type`, and for strategic
 * merge patch `patch-strategy` / `patch-merge-key`). Struct fields are declared where their
 * value is a map, list or struct (so field sets match the real apiserver's); scalars and
 * anything undeclared are deduced.
 */
import { deducedSchema, objectMetaSchema } from './schema.js';
import type { ListSchema, MapSchema, TypeSchema } from './types.js';

const d = deducedSchema;

function struct(
  fields: Record<string, TypeSchema>,
  opts: { atomic?: boolean; retainKeys?: boolean } = {},
): MapSchema {
  const out: MapSchema = {
    type: 'map',
    fields,
    elementType: d,
    mapType: opts.atomic ? 'atomic' : 'granular',
  };
  if (opts.retainKeys) out.retainKeys = true;
  return out;
}

const atomicStruct = (fields: Record<string, TypeSchema> = {}): MapSchema =>
  struct(fields, { atomic: true });

function mapOf(elementType: TypeSchema = { type: 'scalar' }, atomic = false): MapSchema {
  return { type: 'map', elementType, mapType: atomic ? 'atomic' : 'granular' };
}

/** `+listType=atomic`; SMP replaces it unless a merge key is given. */
function atomic(smpMergeKey?: string, elementType: TypeSchema = d): ListSchema {
  const out: ListSchema = { type: 'list', elementType, listType: 'atomic' };
  if (smpMergeKey) {
    out.patchStrategy = 'merge';
    out.patchMergeKey = smpMergeKey;
  }
  return out;
}

/** `+listType=set`; `smpMerge` for `patchStrategy=merge` on primitive lists. */
function set(smpMerge = false): ListSchema {
  const out: ListSchema = { type: 'list', elementType: { type: 'scalar' }, listType: 'set' };
  if (smpMerge) out.patchStrategy = 'merge';
  return out;
}

/** `+listType=map` keyed by `keys`; SMP merges by `mergeKey` (default the first key). */
function mapList(
  keys: string[],
  element: MapSchema = struct({}),
  smp: { mergeKey?: string; strategy?: ListSchema['patchStrategy']; none?: boolean } = {},
  keyDefaults?: Record<string, unknown>,
): ListSchema {
  const out: ListSchema = { type: 'list', elementType: element, listType: 'map', keys };
  if (!smp.none) {
    out.patchStrategy = smp.strategy ?? 'merge';
    out.patchMergeKey = smp.mergeKey ?? keys[0];
  }
  if (keyDefaults) out.keyDefaults = keyDefaults;
  return out;
}

const conditions = (): ListSchema => mapList(['type']);

const objectMeta = objectMetaSchema;

const labelSelector = atomicStruct({ matchLabels: mapOf(), matchExpressions: atomic() });

const handler = struct({
  exec: struct({ command: atomic() }),
  httpGet: struct({ httpHeaders: atomic() }),
  tcpSocket: struct({}),
  sleep: struct({}),
});

const probe = struct({
  exec: struct({ command: atomic() }),
  httpGet: struct({ httpHeaders: atomic() }),
  tcpSocket: struct({}),
  grpc: struct({}),
});

const securityContext = struct({
  capabilities: struct({ add: atomic(), drop: atomic() }),
  seLinuxOptions: struct({}),
  windowsOptions: struct({}),
  seccompProfile: struct({}),
  appArmorProfile: struct({}),
});

const envVar = struct({
  valueFrom: struct({
    fieldRef: atomicStruct(),
    resourceFieldRef: atomicStruct(),
    configMapKeyRef: atomicStruct(),
    secretKeyRef: atomicStruct(),
  }),
});

const container = struct({
  command: atomic(),
  args: atomic(),
  ports: mapList(
    ['containerPort', 'protocol'],
    struct({}),
    { mergeKey: 'containerPort' },
    { protocol: 'TCP' },
  ),
  envFrom: atomic(),
  env: mapList(['name'], envVar),
  resources: struct({ limits: mapOf(), requests: mapOf(), claims: mapList(['name']) }),
  resizePolicy: atomic(),
  volumeMounts: mapList(['mountPath']),
  volumeDevices: mapList(['devicePath']),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: struct({ postStart: handler, preStop: handler }),
  securityContext,
});

const keyToPaths = atomic();
const volume = struct({
  hostPath: struct({}),
  emptyDir: struct({}),
  secret: struct({ items: keyToPaths }),
  configMap: struct({ items: keyToPaths }),
  persistentVolumeClaim: struct({}),
  downwardAPI: struct({ items: atomic() }),
  projected: struct({ sources: atomic() }),
  csi: struct({ volumeAttributes: mapOf(), nodePublishSecretRef: atomicStruct() }),
  ephemeral: struct({ volumeClaimTemplate: d }),
  nfs: struct({}),
});

const nodeSelectorTerms = atomic();
const podAffinityTerms = { required: atomic(), preferred: atomic() };
const podSpec = struct({
  volumes: mapList(['name'], volume, { strategy: 'merge,retainKeys' }),
  initContainers: mapList(['name'], container),
  containers: mapList(['name'], container),
  ephemeralContainers: mapList(['name'], container),
  nodeSelector: mapOf({ type: 'scalar' }, true),
  securityContext: struct({
    seLinuxOptions: struct({}),
    windowsOptions: struct({}),
    supplementalGroups: atomic(),
    sysctls: atomic(),
    seccompProfile: struct({}),
    appArmorProfile: struct({}),
  }),
  imagePullSecrets: mapList(['name']),
  affinity: struct({
    nodeAffinity: struct({
      requiredDuringSchedulingIgnoredDuringExecution: atomicStruct({ nodeSelectorTerms }),
      preferredDuringSchedulingIgnoredDuringExecution: atomic(),
    }),
    podAffinity: struct({
      requiredDuringSchedulingIgnoredDuringExecution: podAffinityTerms.required,
      preferredDuringSchedulingIgnoredDuringExecution: podAffinityTerms.preferred,
    }),
    podAntiAffinity: struct({
      requiredDuringSchedulingIgnoredDuringExecution: podAffinityTerms.required,
      preferredDuringSchedulingIgnoredDuringExecution: podAffinityTerms.preferred,
    }),
  }),
  tolerations: atomic(),
  hostAliases: mapList(['ip'], struct({ hostnames: atomic() })),
  dnsConfig: struct({ nameservers: atomic(), searches: atomic(), options: atomic() }),
  readinessGates: atomic(),
  overhead: mapOf(),
  topologySpreadConstraints: mapList(
    ['topologyKey', 'whenUnsatisfiable'],
    struct({ labelSelector, matchLabelKeys: atomic() }),
    { mergeKey: 'topologyKey' },
  ),
  os: struct({}),
  schedulingGates: mapList(['name']),
  resourceClaims: mapList(['name']),
});

const podTemplateSpec = struct({ metadata: objectMeta, spec: podSpec });

const podStatus = struct({
  conditions: conditions(),
  podIPs: mapList(['ip']),
  hostIPs: mapList(['ip']),
  initContainerStatuses: atomic(),
  containerStatuses: atomic(),
  ephemeralContainerStatuses: atomic(),
});

const workloadStatus = struct({ conditions: conditions() });

function kind(fields: Record<string, TypeSchema>): MapSchema {
  return struct({
    apiVersion: { type: 'scalar' },
    kind: { type: 'scalar' },
    metadata: objectMeta,
    ...fields,
  });
}

const jobSpec = struct({
  selector: labelSelector,
  template: podTemplateSpec,
  podFailurePolicy: struct({ rules: atomic() }),
  successPolicy: struct({ rules: atomic() }),
});

const serviceSpec = struct({
  ports: mapList(['port', 'protocol'], struct({}), { mergeKey: 'port' }, { protocol: 'TCP' }),
  selector: mapOf({ type: 'scalar' }, true),
  clusterIPs: atomic(),
  externalIPs: atomic(),
  loadBalancerSourceRanges: atomic(),
  ipFamilies: atomic(),
  sessionAffinityConfig: struct({ clientIP: struct({}) }),
});

const schemas: Record<string, MapSchema> = {
  'v1/Namespace': kind({
    spec: struct({ finalizers: atomic() }),
    status: struct({ conditions: conditions() }),
  }),
  'v1/ConfigMap': kind({ data: mapOf(), binaryData: mapOf() }),
  'v1/Secret': kind({ data: mapOf(), stringData: mapOf() }),
  'v1/ServiceAccount': kind({ secrets: mapList(['name']), imagePullSecrets: atomic() }),
  'v1/Service': kind({
    spec: serviceSpec,
    status: struct({
      loadBalancer: struct({ ingress: atomic() }),
      conditions: conditions(),
    }),
  }),
  'v1/Event': kind({
    involvedObject: struct({}),
    source: struct({}),
    related: struct({}),
    series: struct({}),
  }),
  'v1/Pod': kind({ spec: podSpec, status: podStatus }),
  'rbac.authorization.k8s.io/v1/Role': kind({ rules: atomic() }),
  'rbac.authorization.k8s.io/v1/ClusterRole': kind({
    rules: atomic(),
    aggregationRule: struct({ clusterRoleSelectors: atomic() }),
  }),
  'rbac.authorization.k8s.io/v1/RoleBinding': kind({
    subjects: atomic(),
    roleRef: atomicStruct(),
  }),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': kind({
    subjects: atomic(),
    roleRef: atomicStruct(),
  }),
  'apps/v1/Deployment': kind({
    spec: struct({
      selector: labelSelector,
      template: podTemplateSpec,
      strategy: struct({ rollingUpdate: struct({}) }, { retainKeys: true }),
    }),
    status: workloadStatus,
  }),
  'apps/v1/StatefulSet': kind({
    spec: struct({
      selector: labelSelector,
      template: podTemplateSpec,
      volumeClaimTemplates: atomic(),
      updateStrategy: struct({ rollingUpdate: struct({}) }, { retainKeys: true }),
      persistentVolumeClaimRetentionPolicy: struct({}),
      ordinals: struct({}),
    }),
    status: workloadStatus,
  }),
  'apps/v1/DaemonSet': kind({
    spec: struct({
      selector: labelSelector,
      template: podTemplateSpec,
      updateStrategy: struct({ rollingUpdate: struct({}) }, { retainKeys: true }),
    }),
    status: workloadStatus,
  }),
  'apps/v1/ReplicaSet': kind({
    spec: struct({ selector: labelSelector, template: podTemplateSpec }),
    status: workloadStatus,
  }),
  'batch/v1/Job': kind({
    spec: jobSpec,
    status: struct({
      conditions: atomic('type'),
      uncountedTerminatedPods: struct({ succeeded: set(), failed: set() }),
    }),
  }),
  'batch/v1/CronJob': kind({
    spec: struct({ jobTemplate: struct({ metadata: objectMeta, spec: jobSpec }) }),
    status: struct({ active: atomic() }),
  }),
  'coordination.k8s.io/v1/Lease': kind({ spec: struct({}) }),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': kind({
    spec: struct({
      names: struct({ shortNames: atomic(), categories: atomic() }),
      versions: atomic(),
      conversion: struct({
        webhook: struct({
          clientConfig: struct({ service: struct({}) }),
          conversionReviewVersions: atomic(),
        }),
      }),
    }),
    status: struct({
      conditions: conditions(),
      acceptedNames: struct({ shortNames: atomic(), categories: atomic() }),
      storedVersions: atomic(),
    }),
  }),
};

/** Any other kind: known object metadata, everything else deduced. */
const fallback = kind({});

/** The schema of a built-in kind (unknown kinds get ObjectMeta plus deduced fields). */
export function builtinTypeSchema(apiVersion: string, kindName: string): TypeSchema {
  return schemas[`${apiVersion}/${kindName}`] ?? fallback;
}

/** Whether a kind is one of the built-ins with a known schema. */
export function isBuiltinKind(apiVersion: string, kindName: string): boolean {
  return `${apiVersion}/${kindName}` in schemas;
}
