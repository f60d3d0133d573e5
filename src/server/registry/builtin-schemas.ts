/**
 * OpenAPI v3 schemas of the commonly used built-in kinds, as data: enough structure for `kubectl
 * explain deployment.spec.replicas` or `kubectl explain pod.spec.containers` and for tools that
 * read field types. Deep, rarely edited parts (affinity, volume sources, status details) are
 * objects that keep unknown fields. Names follow the apiserver's (`io.k8s.api.apps.v1.Deployment`).
 * The server's own validation of built-ins does not read these.
 */

export type Schema = Record<string, unknown>;

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';
const batch = 'io.k8s.api.batch.v1.';
const rbac = 'io.k8s.api.rbac.v1.';
const coordination = 'io.k8s.api.coordination.v1.';

const str: Schema = { type: 'string' };
const int32: Schema = { type: 'integer', format: 'int32' };
const int64: Schema = { type: 'integer', format: 'int64' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const bytes: Schema = { type: 'string', format: 'byte' };
const open: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const strMap: Schema = { type: 'object', additionalProperties: str };

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const intOrString = ref(intOrStringName);
const quantity = ref(quantityName);
/** A described field; a reference goes into `allOf`, as the apiserver writes it. */
const d = (description: string, s: Schema): Schema =>
  '$ref' in s ? { allOf: [s], description } : { ...s, description };
const arr = (items: Schema): Schema => ({ type: 'array', items });
/** A list merged by a key (`x-kubernetes-list-type: map`), like containers by name. */
const keyed = (items: Schema, key: string): Schema => ({
  type: 'array',
  items,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': 'merge',
});
const obj = (
  properties: Record<string, Schema>,
  opts: { required?: string[]; description?: string } = {},
): Schema => ({
  type: 'object',
  ...(opts.description !== undefined ? { description: opts.description } : {}),
  ...(opts.required !== undefined ? { required: opts.required } : {}),
  properties,
});
/** A top-level kind: its own fields (apiVersion, kind and metadata are added by the server). */
const kind = (description: string, properties: Record<string, Schema>): Schema =>
  obj(properties, { description });

const conditions = (name: string): Schema => keyed(ref(name), 'type');

const condition = obj(
  {
    type: str,
    status: str,
    observedGeneration: int64,
    lastTransitionTime: time,
    lastUpdateTime: time,
    lastProbeTime: time,
    reason: str,
    message: str,
  },
  { required: ['type', 'status'] },
);

const selector = ref(`${meta}LabelSelector`);

const definitions: Record<string, Schema> = {
  [intOrStringName]: {
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    description: 'An integer or a string (e.g. a port number or name, or a percentage).',
  },
  [quantityName]: {
    'x-kubernetes-int-or-string': true,
    description: 'A decimal amount with an optional suffix, e.g. 500m, 128Mi or 2.',
  },
  // --- meta/v1
  [`${meta}ObjectMeta`]: obj(
    {
      name: d('Unique name of the object in its namespace (or cluster).', str),
      generateName: d('Prefix for a server-generated name when name is empty.', str),
      namespace: d('Namespace of the object; empty for cluster-scoped kinds.', str),
      uid: str,
      resourceVersion: d('Opaque version of the object, for optimistic concurrency.', str),
      generation: int64,
      creationTimestamp: time,
      deletionTimestamp: time,
      deletionGracePeriodSeconds: int64,
      labels: d('Key/value pairs for selecting and grouping objects.', strMap),
      annotations: d('Key/value pairs for tools and extensions; not used for selection.', strMap),
      ownerReferences: keyed(ref(`${meta}OwnerReference`), 'uid'),
      finalizers: arr(str),
      managedFields: arr(open),
    },
    { description: 'Standard object metadata.' },
  ),
  [`${meta}OwnerReference`]: obj(
    {
      apiVersion: str,
      kind: str,
      name: str,
      uid: str,
      controller: bool,
      blockOwnerDeletion: bool,
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'] },
  ),
  [`${meta}LabelSelector`]: obj(
    {
      matchLabels: strMap,
      matchExpressions: arr(
        obj({ key: str, operator: str, values: arr(str) }, { required: ['key', 'operator'] }),
      ),
    },
    { description: 'Selects objects by their labels; the requirements are ANDed.' },
  ),
  [`${meta}Condition`]: condition,
  [`${core}Condition`]: condition,

  // --- core/v1 pod spec and its parts
  [`${core}PodTemplateSpec`]: obj(
    { metadata: ref(`${meta}ObjectMeta`), spec: ref(`${core}PodSpec`) },
    { description: 'The pods created from this template.' },
  ),
  [`${core}PodSpec`]: obj(
    {
      containers: d(
        'The containers of the pod (at least one).',
        keyed(ref(`${core}Container`), 'name'),
      ),
      initContainers: d(
        'Containers run to completion, in order, before the containers start.',
        keyed(ref(`${core}Container`), 'name'),
      ),
      ephemeralContainers: arr(open),
      volumes: keyed(ref(`${core}Volume`), 'name'),
      restartPolicy: d('Always, OnFailure or Never.', str),
      terminationGracePeriodSeconds: int64,
      activeDeadlineSeconds: int64,
      dnsPolicy: str,
      dnsConfig: open,
      nodeSelector: strMap,
      nodeName: str,
      serviceAccountName: d('ServiceAccount the pod runs as.', str),
      automountServiceAccountToken: bool,
      hostNetwork: bool,
      hostPID: bool,
      hostIPC: bool,
      shareProcessNamespace: bool,
      securityContext: ref(`${core}PodSecurityContext`),
      imagePullSecrets: keyed(ref(`${core}LocalObjectReference`), 'name'),
      hostname: str,
      subdomain: str,
      affinity: open,
      schedulerName: str,
      tolerations: arr(ref(`${core}Toleration`)),
      hostAliases: arr(open),
      priorityClassName: str,
      priority: int32,
      readinessGates: arr(open),
      runtimeClassName: str,
      enableServiceLinks: bool,
      preemptionPolicy: str,
      overhead: { type: 'object', additionalProperties: quantity },
      topologySpreadConstraints: arr(open),
      os: open,
    },
    { required: ['containers'], description: 'What runs in a pod and how.' },
  ),
  [`${core}Container`]: obj(
    {
      name: d('Name of the container, unique in the pod.', str),
      image: d('Container image reference.', str),
      command: d('Entrypoint; replaces the image ENTRYPOINT.', arr(str)),
      args: d('Arguments; replace the image CMD.', arr(str)),
      workingDir: str,
      ports: keyed(ref(`${core}ContainerPort`), 'containerPort'),
      envFrom: arr(open),
      env: keyed(ref(`${core}EnvVar`), 'name'),
      resources: ref(`${core}ResourceRequirements`),
      volumeMounts: keyed(ref(`${core}VolumeMount`), 'mountPath'),
      volumeDevices: arr(open),
      livenessProbe: ref(`${core}Probe`),
      readinessProbe: ref(`${core}Probe`),
      startupProbe: ref(`${core}Probe`),
      lifecycle: open,
      terminationMessagePath: str,
      terminationMessagePolicy: str,
      imagePullPolicy: d('Always, Never or IfNotPresent.', str),
      securityContext: ref(`${core}SecurityContext`),
      restartPolicy: str,
      stdin: bool,
      stdinOnce: bool,
      tty: bool,
    },
    { required: ['name'], description: 'A container of a pod.' },
  ),
  [`${core}ContainerPort`]: obj(
    { name: str, containerPort: int32, hostPort: int32, hostIP: str, protocol: str },
    { required: ['containerPort'] },
  ),
  [`${core}EnvVar`]: obj(
    {
      name: str,
      value: str,
      valueFrom: obj({
        configMapKeyRef: obj({ name: str, key: str, optional: bool }, { required: ['key'] }),
        secretKeyRef: obj({ name: str, key: str, optional: bool }, { required: ['key'] }),
        fieldRef: obj({ apiVersion: str, fieldPath: str }, { required: ['fieldPath'] }),
        resourceFieldRef: open,
      }),
    },
    { required: ['name'] },
  ),
  [`${core}ResourceRequirements`]: obj({
    limits: d('Maximum amount of compute resources.', {
      type: 'object',
      additionalProperties: quantity,
    }),
    requests: d('Minimum amount of compute resources.', {
      type: 'object',
      additionalProperties: quantity,
    }),
    claims: arr(open),
  }),
  [`${core}VolumeMount`]: obj(
    {
      name: str,
      mountPath: str,
      readOnly: bool,
      subPath: str,
      subPathExpr: str,
      mountPropagation: str,
    },
    { required: ['name', 'mountPath'] },
  ),
  [`${core}Volume`]: obj(
    {
      name: str,
      configMap: obj({ name: str, items: arr(open), defaultMode: int32, optional: bool }),
      secret: obj({ secretName: str, items: arr(open), defaultMode: int32, optional: bool }),
      emptyDir: obj({ medium: str, sizeLimit: quantity }),
      persistentVolumeClaim: obj({ claimName: str, readOnly: bool }, { required: ['claimName'] }),
      hostPath: obj({ path: str, type: str }, { required: ['path'] }),
      projected: open,
      downwardAPI: open,
      csi: open,
      ephemeral: open,
      nfs: open,
    },
    { required: ['name'] },
  ),
  [`${core}Probe`]: obj({
    exec: obj({ command: arr(str) }),
    httpGet: obj(
      { path: str, port: intOrString, host: str, scheme: str, httpHeaders: arr(open) },
      { required: ['port'] },
    ),
    tcpSocket: obj({ port: intOrString, host: str }, { required: ['port'] }),
    grpc: obj({ port: int32, service: str }, { required: ['port'] }),
    initialDelaySeconds: int32,
    timeoutSeconds: int32,
    periodSeconds: int32,
    successThreshold: int32,
    failureThreshold: int32,
    terminationGracePeriodSeconds: int64,
  }),
  [`${core}SecurityContext`]: obj({
    runAsUser: int64,
    runAsGroup: int64,
    runAsNonRoot: bool,
    readOnlyRootFilesystem: bool,
    allowPrivilegeEscalation: bool,
    privileged: bool,
    capabilities: obj({ add: arr(str), drop: arr(str) }),
    seccompProfile: obj({ type: str, localhostProfile: str }, { required: ['type'] }),
    seLinuxOptions: open,
    procMount: str,
  }),
  [`${core}PodSecurityContext`]: obj({
    runAsUser: int64,
    runAsGroup: int64,
    runAsNonRoot: bool,
    fsGroup: int64,
    fsGroupChangePolicy: str,
    supplementalGroups: arr(int64),
    seccompProfile: obj({ type: str, localhostProfile: str }, { required: ['type'] }),
    seLinuxOptions: open,
    sysctls: arr(obj({ name: str, value: str })),
  }),
  [`${core}Toleration`]: obj({
    key: str,
    operator: str,
    value: str,
    effect: str,
    tolerationSeconds: int64,
  }),
  [`${core}LocalObjectReference`]: obj({ name: str }),
  [`${core}PodStatus`]: obj({
    phase: d('Pending, Running, Succeeded, Failed or Unknown.', str),
    conditions: conditions(`${core}Condition`),
    message: str,
    reason: str,
    hostIP: str,
    podIP: str,
    podIPs: arr(obj({ ip: str })),
    startTime: time,
    qosClass: str,
    initContainerStatuses: arr(open),
    containerStatuses: arr(open),
  }),

  // --- core/v1 kinds
  [`${core}Pod`]: kind('A group of containers scheduled together on a node.', {
    spec: ref(`${core}PodSpec`),
    status: ref(`${core}PodStatus`),
  }),
  [`${core}ConfigMap`]: kind('Non-confidential key/value data for pods and tools.', {
    data: d('UTF-8 values by key.', strMap),
    binaryData: d('Binary values (base64 in JSON) by key.', {
      type: 'object',
      additionalProperties: bytes,
    }),
    immutable: bool,
  }),
  [`${core}Secret`]: kind('Confidential key/value data.', {
    data: d('Values by key, base64-encoded.', { type: 'object', additionalProperties: bytes }),
    stringData: d('Write-only plain-text values, merged into data.', strMap),
    type: d('How the data is used, e.g. Opaque or kubernetes.io/tls.', str),
    immutable: bool,
  }),
  [`${core}ServiceAccount`]: kind('An identity for processes that run in pods.', {
    secrets: arr(open),
    imagePullSecrets: arr(ref(`${core}LocalObjectReference`)),
    automountServiceAccountToken: bool,
  }),
  [`${core}Namespace`]: kind('A scope for names of namespaced objects.', {
    spec: obj({ finalizers: arr(str) }),
    status: obj({ phase: d('Active or Terminating.', str), conditions: arr(open) }),
  }),
  [`${core}Service`]: kind('A stable address and load balancing for a set of pods.', {
    spec: ref(`${core}ServiceSpec`),
    status: obj({ loadBalancer: open, conditions: conditions(`${meta}Condition`) }),
  }),
  [`${core}ServiceSpec`]: obj({
    type: d('ClusterIP, NodePort, LoadBalancer or ExternalName.', str),
    selector: d('Pods with these labels receive the traffic.', strMap),
    ports: keyed(ref(`${core}ServicePort`), 'port'),
    clusterIP: str,
    clusterIPs: arr(str),
    externalName: str,
    externalIPs: arr(str),
    externalTrafficPolicy: str,
    internalTrafficPolicy: str,
    loadBalancerIP: str,
    loadBalancerSourceRanges: arr(str),
    loadBalancerClass: str,
    sessionAffinity: str,
    sessionAffinityConfig: open,
    publishNotReadyAddresses: bool,
    ipFamilies: arr(str),
    ipFamilyPolicy: str,
    healthCheckNodePort: int32,
    allocateLoadBalancerNodePorts: bool,
  }),
  [`${core}ServicePort`]: obj(
    {
      name: str,
      protocol: str,
      appProtocol: str,
      port: d('Port the service listens on.', int32),
      targetPort: d('Port (number or name) on the pods.', intOrString),
      nodePort: int32,
    },
    { required: ['port'] },
  ),

  // --- apps/v1
  [`${apps}Deployment`]: kind('Declarative updates for pods through ReplicaSets.', {
    spec: ref(`${apps}DeploymentSpec`),
    status: ref(`${apps}DeploymentStatus`),
  }),
  [`${apps}DeploymentSpec`]: obj(
    {
      replicas: d('Number of desired pods (default 1).', int32),
      selector: d('Selects the pods of this deployment; must match the template labels.', selector),
      template: ref(`${core}PodTemplateSpec`),
      strategy: obj({
        type: d('Recreate or RollingUpdate (default).', str),
        rollingUpdate: obj({ maxUnavailable: intOrString, maxSurge: intOrString }),
      }),
      minReadySeconds: int32,
      revisionHistoryLimit: int32,
      paused: bool,
      progressDeadlineSeconds: int32,
    },
    { required: ['selector', 'template'] },
  ),
  [`${apps}DeploymentStatus`]: obj({
    observedGeneration: int64,
    replicas: int32,
    updatedReplicas: int32,
    readyReplicas: int32,
    availableReplicas: int32,
    unavailableReplicas: int32,
    conditions: conditions(`${core}Condition`),
    collisionCount: int32,
  }),
  [`${apps}StatefulSet`]: kind('Pods with stable identities and storage.', {
    spec: obj(
      {
        replicas: int32,
        selector,
        template: ref(`${core}PodTemplateSpec`),
        serviceName: str,
        volumeClaimTemplates: arr(open),
        podManagementPolicy: str,
        updateStrategy: obj({ type: str, rollingUpdate: open }),
        revisionHistoryLimit: int32,
        minReadySeconds: int32,
        persistentVolumeClaimRetentionPolicy: open,
        ordinals: open,
      },
      { required: ['selector', 'template'] },
    ),
    status: obj({
      observedGeneration: int64,
      replicas: int32,
      readyReplicas: int32,
      currentReplicas: int32,
      updatedReplicas: int32,
      availableReplicas: int32,
      currentRevision: str,
      updateRevision: str,
      collisionCount: int32,
      conditions: conditions(`${core}Condition`),
    }),
  }),
  [`${apps}DaemonSet`]: kind('A copy of a pod on every (selected) node.', {
    spec: obj(
      {
        selector,
        template: ref(`${core}PodTemplateSpec`),
        updateStrategy: obj({ type: str, rollingUpdate: open }),
        minReadySeconds: int32,
        revisionHistoryLimit: int32,
      },
      { required: ['selector', 'template'] },
    ),
    status: obj({
      observedGeneration: int64,
      currentNumberScheduled: int32,
      numberMisscheduled: int32,
      desiredNumberScheduled: int32,
      numberReady: int32,
      updatedNumberScheduled: int32,
      numberAvailable: int32,
      numberUnavailable: int32,
      collisionCount: int32,
      conditions: conditions(`${core}Condition`),
    }),
  }),

  // --- batch/v1
  [`${batch}Job`]: kind('Pods run until a number of them complete.', {
    spec: obj(
      {
        template: ref(`${core}PodTemplateSpec`),
        parallelism: int32,
        completions: int32,
        completionMode: str,
        backoffLimit: d('Retries before the job is marked failed (default 6).', int32),
        activeDeadlineSeconds: int64,
        ttlSecondsAfterFinished: int32,
        suspend: bool,
        selector,
        manualSelector: bool,
        podFailurePolicy: open,
        podReplacementPolicy: str,
      },
      { required: ['template'] },
    ),
    status: obj({
      conditions: conditions(`${core}Condition`),
      startTime: time,
      completionTime: time,
      active: int32,
      succeeded: int32,
      failed: int32,
      ready: int32,
      terminating: int32,
      completedIndexes: str,
      uncountedTerminatedPods: open,
    }),
  }),

  // --- rbac.authorization.k8s.io/v1
  [`${rbac}PolicyRule`]: obj(
    {
      apiGroups: d('API groups of the resources; "" is the core group.', arr(str)),
      resources: arr(str),
      resourceNames: arr(str),
      verbs: d('get, list, watch, create, update, patch, delete, ... or "*".', arr(str)),
      nonResourceURLs: arr(str),
    },
    { required: ['verbs'] },
  ),
  [`${rbac}RoleRef`]: obj(
    { apiGroup: str, kind: d('Role or ClusterRole.', str), name: str },
    { required: ['apiGroup', 'kind', 'name'] },
  ),
  [`${rbac}Subject`]: obj(
    { kind: d('User, Group or ServiceAccount.', str), apiGroup: str, name: str, namespace: str },
    { required: ['kind', 'name'] },
  ),
  [`${rbac}Role`]: kind('Namespaced permissions.', { rules: arr(ref(`${rbac}PolicyRule`)) }),
  [`${rbac}ClusterRole`]: kind('Cluster-wide permissions, or a set reusable in namespaces.', {
    rules: arr(ref(`${rbac}PolicyRule`)),
    aggregationRule: obj({ clusterRoleSelectors: arr(selector) }),
  }),
  [`${rbac}RoleBinding`]: kind('Grants a Role or ClusterRole in one namespace.', {
    roleRef: ref(`${rbac}RoleRef`),
    subjects: arr(ref(`${rbac}Subject`)),
  }),
  [`${rbac}ClusterRoleBinding`]: kind('Grants a ClusterRole in every namespace.', {
    roleRef: ref(`${rbac}RoleRef`),
    subjects: arr(ref(`${rbac}Subject`)),
  }),

  // --- coordination.k8s.io/v1
  [`${coordination}Lease`]: kind('A lock, e.g. for leader election.', {
    spec: obj({
      holderIdentity: str,
      leaseDurationSeconds: int32,
      acquireTime: { type: 'string', format: 'date-time' },
      renewTime: { type: 'string', format: 'date-time' },
      leaseTransitions: int32,
      preferredHolder: str,
      strategy: str,
    }),
  }),
};

/** Names of every schema here (for tests). */
export function builtinSchemaNames(): string[] {
  return Object.keys(definitions);
}

/** The named schema, or undefined when only the shallow form exists. */
export function builtinSchema(name: string): Schema | undefined {
  return definitions[name];
}

/** Every schema `roots` reference, directly or through others, by name (roots excluded). */
export function referencedSchemas(roots: readonly Schema[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') {
        const name = x.slice('#/components/schemas/'.length);
        const s = definitions[name];
        if (s !== undefined && !(name in out)) {
          out[name] = s;
          visit(s);
        }
      } else visit(x);
    }
  };
  for (const r of roots) visit(r);
  return out;
}
