/**
 * Per-kind rules of the built-in kinds: defaulting and status reset on create, immutable fields on
 * update, shallow validation (kube-api.md §2.11). CRD rules live in crd-rules.ts.
 */
import { randomBytes } from 'node:crypto';
import type { FieldProblem } from '../errors.js';
import type { ResourceType } from '../registry/types.js';
import { deepEqual, isRecord, type KubeObject } from '../types.js';
import { crdDefaults, crdProblems } from './crd-rules.js';

function rec(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = obj[key];
  if (isRecord(v)) return v;
  const n: Record<string, unknown> = {};
  obj[key] = n;
  return n;
}

function foldStringData(obj: KubeObject): void {
  const sd = obj.stringData;
  if (isRecord(sd)) {
    const data = rec(obj, 'data');
    for (const [k, v] of Object.entries(sd))
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete obj.stringData;
}

let ipCounter = 1;
function allocateClusterIP(): string {
  ipCounter += 1;
  const n = ipCounter % 65000;
  return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

function defaultPodTemplate(spec: Record<string, unknown>): void {
  const tpl = spec.template;
  if (!isRecord(tpl)) return;
  const ps = tpl.spec;
  if (!isRecord(ps)) return;
  ps.restartPolicy ??= 'Always';
  ps.terminationGracePeriodSeconds ??= 30;
  ps.dnsPolicy ??= 'ClusterFirst';
  ps.securityContext ??= {};
  ps.schedulerName ??= 'default-scheduler';
  if (Array.isArray(ps.containers)) {
    for (const c of ps.containers) {
      if (!isRecord(c)) continue;
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.imagePullPolicy ??=
        typeof c.image === 'string' && (c.image.endsWith(':latest') || !c.image.includes(':'))
          ? 'Always'
          : 'IfNotPresent';
      c.resources ??= {};
      if (Array.isArray(c.ports))
        for (const port of c.ports) if (isRecord(port)) port.protocol ??= 'TCP';
    }
  }
}

/** Defaults applied on every write of a kind (create and update), as the Go defaulters do. */
export function applyDefaults(t: ResourceType, obj: KubeObject): void {
  if (t.crd !== undefined) return;
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  switch (`${t.group}/${t.kind}`) {
    case '/Secret':
      foldStringData(obj);
      obj.type ??= 'Opaque';
      break;
    case '/Namespace': {
      const labels = (obj.metadata.labels ??= {});
      labels['kubernetes.io/metadata.name'] = obj.metadata.name ?? '';
      const s = rec(obj, 'spec');
      s.finalizers ??= ['kubernetes'];
      break;
    }
    case '/Service': {
      const s = rec(obj, 'spec');
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      if (s.type !== 'ExternalName') {
        s.clusterIP ??= allocateClusterIP();
        s.clusterIPs ??= [s.clusterIP];
        s.ipFamilies ??= ['IPv4'];
        s.ipFamilyPolicy ??= 'SingleStack';
        s.internalTrafficPolicy ??= 'Cluster';
      }
      if (Array.isArray(s.ports)) {
        for (const p of s.ports) {
          if (!isRecord(p)) continue;
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
      }
      break;
    }
    case 'apps/Deployment':
      if (spec) {
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
        const st = rec(spec, 'strategy');
        st.type ??= 'RollingUpdate';
        if (st.type === 'RollingUpdate') {
          const ru = rec(st, 'rollingUpdate');
          ru.maxUnavailable ??= '25%';
          ru.maxSurge ??= '25%';
        }
        defaultPodTemplate(spec);
      }
      break;
    case 'apps/StatefulSet':
    case 'apps/ReplicaSet':
      if (spec) {
        spec.replicas ??= 1;
        defaultPodTemplate(spec);
      }
      break;
    case 'apps/DaemonSet':
      if (spec) {
        spec.revisionHistoryLimit ??= 10;
        defaultPodTemplate(spec);
      }
      break;
    case 'batch/Job':
      if (spec) {
        spec.parallelism ??= 1;
        spec.completions ??= 1;
        spec.backoffLimit ??= 6;
        spec.completionMode ??= 'NonIndexed';
        spec.suspend ??= false;
        defaultPodTemplate(spec);
      }
      break;
    case 'batch/CronJob':
      if (spec) {
        spec.suspend ??= false;
        spec.concurrencyPolicy ??= 'Allow';
        spec.successfulJobsHistoryLimit ??= 3;
        spec.failedJobsHistoryLimit ??= 1;
      }
      break;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      crdDefaults(obj);
      break;
  }
}

/** Status and server-owned fields a create starts with. */
export function resetForCreate(t: ResourceType, obj: KubeObject): void {
  if (t.status) delete obj.status;
  if (t.group === '' && t.kind === 'Namespace') obj.status = { phase: 'Active' };
  if (t.group === '' && t.kind === 'Pod') obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
  if (t.group === 'apiextensions.k8s.io')
    obj.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: [] };
  if (t.group === 'batch' && t.kind === 'Job' && isRecord(obj.spec)) {
    const uid = obj.metadata.uid ?? randomBytes(8).toString('hex');
    const labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': obj.metadata.name ?? '',
      'controller-uid': uid,
      'job-name': obj.metadata.name ?? '',
    };
    obj.spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    const tpl = rec(obj.spec, 'template');
    const md = rec(tpl, 'metadata');
    md.labels = { ...(isRecord(md.labels) ? md.labels : {}), ...labels };
  }
}

function immutable(field: string, before: unknown, after: unknown): FieldProblem[] {
  if (deepEqual(before, after)) return [];
  return [
    {
      field,
      type: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(after ?? null)}: field is immutable`,
    },
  ];
}

export function validateKind(
  t: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const spec = isRecord(obj.spec) ? obj.spec : {};
  switch (`${t.group}/${t.kind}`) {
    case '/ConfigMap':
    case '/Secret':
      if (old && old.immutable === true) {
        if (!deepEqual(old.data, obj.data))
          out.push({
            field: 'data',
            type: 'FieldValueForbidden',
            message: 'Forbidden: field is immutable when `immutable` is set',
          });
        if (obj.immutable !== true)
          out.push({
            field: 'immutable',
            type: 'FieldValueForbidden',
            message: 'Forbidden: field is immutable when `immutable` is set',
          });
      }
      if (t.kind === 'Secret' && old) out.push(...immutable('type', old.type, obj.type));
      break;
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      if (!isRecord(obj.roleRef))
        out.push({ field: 'roleRef', type: 'FieldValueRequired', message: 'Required value' });
      if (old && !deepEqual(old.roleRef, obj.roleRef))
        out.push({
          field: 'roleRef',
          type: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(obj.roleRef ?? null)}: cannot change roleRef`,
        });
      break;
    case '/Service': {
      // A ClusterIP, once allocated, stays (only ExternalName services have none).
      const before = old && isRecord(old.spec) ? old.spec : undefined;
      const oldIPs: unknown[] = before && Array.isArray(before.clusterIPs) ? before.clusterIPs : [];
      const newIPs: unknown[] = Array.isArray(spec.clusterIPs)
        ? [...(spec.clusterIPs as unknown[])]
        : [];
      if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '') newIPs[0] = spec.clusterIP;
      if (spec.type !== 'ExternalName')
        oldIPs.forEach((ip, i) => {
          const now = newIPs[i];
          if (now !== undefined && now !== '' && now !== ip)
            out.push({
              field: `spec.clusterIPs[${i}]`,
              type: 'FieldValueInvalid',
              message: `Invalid value: ${JSON.stringify(now)}: may not change once set`,
            });
        });
      break;
    }
    case 'batch/Job':
      if (old && isRecord(old.spec)) {
        out.push(...immutable('spec.selector', old.spec.selector, spec.selector));
        out.push(...immutable('spec.template', old.spec.template, spec.template));
      }
      break;
    case 'apps/Deployment':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
    case 'apps/ReplicaSet': {
      const sel = spec.selector;
      if (!isRecord(sel)) {
        out.push({ field: 'spec.selector', type: 'FieldValueRequired', message: 'Required value' });
        break;
      }
      const tpl = isRecord(spec.template) ? spec.template : {};
      const tplLabels =
        isRecord(tpl.metadata) && isRecord(tpl.metadata.labels) ? tpl.metadata.labels : {};
      const ml = isRecord(sel.matchLabels) ? sel.matchLabels : {};
      for (const [k, v] of Object.entries(ml)) {
        if (tplLabels[k] !== v) {
          out.push({
            field: 'spec.template.metadata.labels',
            type: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(tplLabels)}: \`selector\` does not match template \`labels\``,
          });
          break;
        }
      }
      if (old && isRecord(old.spec))
        out.push(...immutable('spec.selector', old.spec.selector, sel));
      break;
    }
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      out.push(...crdProblems(obj, old));
      break;
  }
  return out;
}
