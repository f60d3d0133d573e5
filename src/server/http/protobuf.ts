/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), as
 * kubectl 1.32 sends them for its typed `create` generators: the `k8s\0` envelope around a
 * `runtime.Unknown`, then the kind's message, turned into the JSON object the API would accept.
 * Field numbers follow k8s.io/api's generated.proto for the kinds listed in `kinds`; responses
 * stay JSON (kubectl accepts them).
 */
import { unsupportedMediaType, badRequest } from '../errors.js';

/** [json name, type, flags]: flags `r` repeated, `p` pointer (zero values are kept). */
type Field = readonly [string, string, string?];
type Message = Readonly<Record<number, Field>>;

const messages: Record<string, Message> = {
  ObjectMeta: {
    1: ['name', 's'],
    2: ['generateName', 's'],
    3: ['namespace', 's'],
    4: ['selfLink', 's'],
    5: ['uid', 's'],
    6: ['resourceVersion', 's'],
    7: ['generation', 'i'],
    8: ['creationTimestamp', 't'],
    9: ['deletionTimestamp', 't'],
    10: ['deletionGracePeriodSeconds', 'i', 'p'],
    11: ['labels', 'map:s'],
    12: ['annotations', 'map:s'],
    13: ['ownerReferences', 'OwnerReference', 'r'],
    14: ['finalizers', 's', 'r'],
  },
  OwnerReference: {
    1: ['kind', 's'],
    3: ['name', 's'],
    4: ['uid', 's'],
    5: ['apiVersion', 's'],
    6: ['controller', 'b', 'p'],
    7: ['blockOwnerDeletion', 'b', 'p'],
  },
  Namespace: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'NamespaceSpec'],
    3: ['status', 'NamespaceStatus'],
  },
  NamespaceSpec: { 1: ['finalizers', 's', 'r'] },
  NamespaceStatus: { 1: ['phase', 's'] },
  ConfigMap: {
    1: ['metadata', 'ObjectMeta'],
    2: ['data', 'map:s'],
    3: ['binaryData', 'map:y'],
    4: ['immutable', 'b', 'p'],
  },
  Secret: {
    1: ['metadata', 'ObjectMeta'],
    2: ['data', 'map:y'],
    3: ['type', 's'],
    4: ['stringData', 'map:s'],
    5: ['immutable', 'b', 'p'],
  },
  ServiceAccount: {
    1: ['metadata', 'ObjectMeta'],
    2: ['secrets', 'ObjectReference', 'r'],
    3: ['imagePullSecrets', 'LocalObjectReference', 'r'],
    4: ['automountServiceAccountToken', 'b', 'p'],
  },
  ObjectReference: {
    1: ['kind', 's'],
    2: ['namespace', 's'],
    3: ['name', 's'],
    4: ['uid', 's'],
    5: ['apiVersion', 's'],
    6: ['resourceVersion', 's'],
    7: ['fieldPath', 's'],
  },
  LocalObjectReference: { 1: ['name', 's'] },
  Service: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'ServiceSpec'] },
  ServiceSpec: {
    1: ['ports', 'ServicePort', 'r'],
    2: ['selector', 'map:s'],
    3: ['clusterIP', 's'],
    4: ['type', 's'],
    5: ['externalIPs', 's', 'r'],
    7: ['sessionAffinity', 's'],
    12: ['externalName', 's'],
  },
  ServicePort: {
    1: ['name', 's'],
    2: ['protocol', 's'],
    3: ['port', 'i'],
    4: ['targetPort', 'IntOrString', 'p'],
    5: ['nodePort', 'i'],
  },
  IntOrString: { 1: ['type', 'i', 'p'], 2: ['intVal', 'i', 'p'], 3: ['strVal', 's', 'p'] },
  Deployment: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'DeploymentSpec'] },
  DeploymentSpec: {
    1: ['replicas', 'i', 'p'],
    2: ['selector', 'LabelSelector'],
    3: ['template', 'PodTemplateSpec'],
    4: ['strategy', 'DeploymentStrategy'],
    5: ['minReadySeconds', 'i'],
    6: ['revisionHistoryLimit', 'i', 'p'],
    7: ['paused', 'b'],
    9: ['progressDeadlineSeconds', 'i', 'p'],
  },
  DeploymentStrategy: { 1: ['type', 's'], 2: ['rollingUpdate', 'RollingUpdateDeployment'] },
  RollingUpdateDeployment: {
    1: ['maxUnavailable', 'IntOrString', 'p'],
    2: ['maxSurge', 'IntOrString', 'p'],
  },
  LabelSelector: {
    1: ['matchLabels', 'map:s'],
    2: ['matchExpressions', 'LabelSelectorRequirement', 'r'],
  },
  LabelSelectorRequirement: { 1: ['key', 's'], 2: ['operator', 's'], 3: ['values', 's', 'r'] },
  PodTemplateSpec: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'PodSpec'] },
  PodSpec: {
    2: ['containers', 'Container', 'r'],
    3: ['restartPolicy', 's'],
    4: ['terminationGracePeriodSeconds', 'i', 'p'],
    5: ['activeDeadlineSeconds', 'i', 'p'],
    6: ['dnsPolicy', 's'],
    7: ['nodeSelector', 'map:s'],
    8: ['serviceAccountName', 's'],
    9: ['serviceAccount', 's'],
    10: ['nodeName', 's'],
    11: ['hostNetwork', 'b'],
    15: ['imagePullSecrets', 'LocalObjectReference', 'r'],
    19: ['schedulerName', 's'],
    20: ['initContainers', 'Container', 'r'],
  },
  Container: {
    1: ['name', 's'],
    2: ['image', 's'],
    3: ['command', 's', 'r'],
    4: ['args', 's', 'r'],
    5: ['workingDir', 's'],
    6: ['ports', 'ContainerPort', 'r'],
    7: ['env', 'EnvVar', 'r'],
    8: ['resources', 'ResourceRequirements'],
    13: ['terminationMessagePath', 's'],
    14: ['imagePullPolicy', 's'],
    16: ['stdin', 'b'],
    17: ['stdinOnce', 'b'],
    18: ['tty', 'b'],
    20: ['terminationMessagePolicy', 's'],
  },
  ContainerPort: {
    1: ['name', 's'],
    2: ['hostPort', 'i'],
    3: ['containerPort', 'i'],
    4: ['protocol', 's'],
    5: ['hostIP', 's'],
  },
  EnvVar: { 1: ['name', 's'], 2: ['value', 's'] },
  ResourceRequirements: { 1: ['limits', 'map:Quantity'], 2: ['requests', 'map:Quantity'] },
  Quantity: { 1: ['string', 's', 'p'] },
  Job: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'JobSpec'] },
  JobSpec: {
    1: ['parallelism', 'i', 'p'],
    2: ['completions', 'i', 'p'],
    3: ['activeDeadlineSeconds', 'i', 'p'],
    4: ['selector', 'LabelSelector'],
    5: ['manualSelector', 'b', 'p'],
    6: ['template', 'PodTemplateSpec'],
    7: ['backoffLimit', 'i', 'p'],
    8: ['ttlSecondsAfterFinished', 'i', 'p'],
    9: ['completionMode', 's', 'p'],
    10: ['suspend', 'b', 'p'],
  },
  CronJob: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'CronJobSpec'] },
  CronJobSpec: {
    1: ['schedule', 's'],
    2: ['startingDeadlineSeconds', 'i', 'p'],
    3: ['concurrencyPolicy', 's'],
    4: ['suspend', 'b', 'p'],
    5: ['jobTemplate', 'JobTemplateSpec'],
    6: ['successfulJobsHistoryLimit', 'i', 'p'],
    7: ['failedJobsHistoryLimit', 'i', 'p'],
    8: ['timeZone', 's', 'p'],
  },
  JobTemplateSpec: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'JobSpec'] },
  Role: { 1: ['metadata', 'ObjectMeta'], 2: ['rules', 'PolicyRule', 'r'] },
  ClusterRole: {
    1: ['metadata', 'ObjectMeta'],
    2: ['rules', 'PolicyRule', 'r'],
    3: ['aggregationRule', 'AggregationRule'],
  },
  AggregationRule: { 1: ['clusterRoleSelectors', 'LabelSelector', 'r'] },
  PolicyRule: {
    1: ['verbs', 's', 'r'],
    2: ['apiGroups', 's', 'r'],
    3: ['resources', 's', 'r'],
    4: ['resourceNames', 's', 'r'],
    5: ['nonResourceURLs', 's', 'r'],
  },
  RoleBinding: {
    1: ['metadata', 'ObjectMeta'],
    2: ['subjects', 'Subject', 'r'],
    3: ['roleRef', 'RoleRef'],
  },
  ClusterRoleBinding: {
    1: ['metadata', 'ObjectMeta'],
    2: ['subjects', 'Subject', 'r'],
    3: ['roleRef', 'RoleRef'],
  },
  Subject: { 1: ['kind', 's'], 2: ['apiGroup', 's'], 3: ['name', 's'], 4: ['namespace', 's'] },
  RoleRef: { 1: ['apiGroup', 's'], 2: ['kind', 's'], 3: ['name', 's'] },
};

/** The kinds whose protobuf bodies are understood, by `apiVersion/kind`. */
export const protobufKinds: ReadonlySet<string> = new Set([
  'v1/Namespace',
  'v1/ConfigMap',
  'v1/Secret',
  'v1/ServiceAccount',
  'v1/Service',
  'apps/v1/Deployment',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
]);

interface Wire {
  field: number;
  type: number;
  /** varint value (type 0) */
  num: bigint;
  /** payload (type 2) */
  bytes: Buffer;
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++] ?? 0;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error('varint too long');
    }
  }

  *fields(): Generator<Wire> {
    while (this.pos < this.buf.length) {
      const key = this.varint();
      const field = Number(key >> 3n);
      const type = Number(key & 7n);
      if (type === 0) yield { field, type, num: this.varint(), bytes: Buffer.alloc(0) };
      else if (type === 2) {
        const len = Number(this.varint());
        if (this.pos + len > this.buf.length) throw new Error('truncated field');
        const bytes = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        yield { field, type, num: 0n, bytes };
      } else if (type === 1) {
        this.pos += 8;
        yield { field, type, num: 0n, bytes: Buffer.alloc(0) };
      } else if (type === 5) {
        this.pos += 4;
        yield { field, type, num: 0n, bytes: Buffer.alloc(0) };
      } else throw new Error(`unsupported wire type ${type}`);
    }
  }
}

function signed(n: bigint): number {
  return Number(BigInt.asIntN(64, n));
}

function scalar(type: string, w: Wire): unknown {
  switch (type) {
    case 's':
      return w.bytes.toString('utf8');
    case 'y':
      return w.bytes.toString('base64');
    case 'i':
      return signed(w.num);
    case 'b':
      return w.num !== 0n;
    case 't': {
      let seconds = 0;
      for (const f of new Reader(w.bytes).fields()) if (f.field === 1) seconds = signed(f.num);
      return seconds === 0
        ? undefined
        : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    default:
      return decodeMessage(type, w.bytes);
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === undefined;
}

function decodeMessage(name: string, buf: Buffer): unknown {
  const schema = messages[name];
  if (!schema) throw new Error(`no schema for ${name}`);
  const out: Record<string, unknown> = {};
  for (const w of new Reader(buf).fields()) {
    const f = schema[w.field];
    if (!f) continue;
    const [json, type, flags = ''] = f;
    if (type.startsWith('map:')) {
      const valueType = type.slice(4);
      let key = '';
      let value: unknown = valueType === 's' ? '' : undefined;
      for (const e of new Reader(w.bytes).fields()) {
        if (e.field === 1) key = e.bytes.toString('utf8');
        if (e.field === 2) value = scalar(valueType, e);
      }
      if (valueType === 'Quantity')
        value = (value as { string?: string } | undefined)?.string ?? '0';
      const m = (out[json] ??= {}) as Record<string, unknown>;
      m[key] = value ?? '';
      continue;
    }
    const v = scalar(type, w);
    if (flags.includes('r')) ((out[json] ??= []) as unknown[]).push(v);
    else if (flags.includes('p') || !isZero(v)) out[json] = v;
  }
  if (name === 'IntOrString') return out.type === 1 ? (out.strVal ?? '') : (out.intVal ?? 0);
  return out;
}

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The JSON object of a protobuf-encoded request body, or a 415 naming what is accepted. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic))
    throw badRequest('protobuf body without the k8s envelope');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  try {
    for (const w of new Reader(body.subarray(4)).fields()) {
      if (w.field === 1) {
        for (const t of new Reader(w.bytes).fields()) {
          if (t.field === 1) apiVersion = t.bytes.toString('utf8');
          if (t.field === 2) kind = t.bytes.toString('utf8');
        }
      }
      if (w.field === 2) raw = w.bytes;
    }
  } catch (err) {
    throw badRequest(
      `the object provided is unrecognized: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!protobufKinds.has(`${apiVersion}/${kind}`)) {
    throw unsupportedMediaType('application/vnd.kubernetes.protobuf', [
      'application/json',
      'application/yaml',
    ]);
  }
  let obj: Record<string, unknown>;
  try {
    obj = decodeMessage(kind, raw) as Record<string, unknown>;
  } catch (err) {
    throw badRequest(
      `the object provided is unrecognized: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return { apiVersion, kind, ...obj };
}
