/** CustomResourceDefinition rules: defaults, validation of the CRD itself, and the kinds it serves. */
import type { FieldProblem } from '../errors.js';
import type { PrinterColumn, ResourceType, ScaleSpec } from '../registry/types.js';
import { ruleProblems } from '../schema/index.js';
import { isRecord, type KubeObject } from '../types.js';

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: unknown; scale?: ScaleSpec };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

interface CrdSpec {
  group: string;
  scope: string;
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
}

export function crdSpec(obj: KubeObject): CrdSpec {
  return obj.spec as CrdSpec;
}

export function crdDefaults(obj: KubeObject): void {
  if (!isRecord(obj.spec)) return;
  const spec = obj.spec;
  if (isRecord(spec.names)) {
    const n = spec.names;
    if (typeof n.kind === 'string') {
      n.singular ??= n.kind.toLowerCase();
      n.listKind ??= `${n.kind}List`;
    }
  }
  spec.conversion ??= { strategy: 'None' };
  if (Array.isArray(spec.versions)) {
    for (const v of spec.versions) {
      if (!isRecord(v)) continue;
      if (Array.isArray(v.additionalPrinterColumns)) {
        for (const c of v.additionalPrinterColumns) if (isRecord(c)) c.priority ??= 0;
      }
    }
  }
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function crdProblems(obj: KubeObject, old: KubeObject | undefined): FieldProblem[] {
  const out: FieldProblem[] = [];
  const req = (field: string): void => {
    out.push({ field, type: 'FieldValueRequired', message: 'Required value' });
  };
  const bad = (field: string, value: unknown, why: string): void => {
    out.push({
      field,
      type: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
    });
  };
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  if (!spec) {
    req('spec');
    return out;
  }
  const group = spec.group;
  if (typeof group !== 'string' || group === '') req('spec.group');
  else if (!group.includes('.'))
    bad('spec.group', group, 'should be a domain with at least one dot');
  const names = isRecord(spec.names) ? spec.names : {};
  const plural = names.plural;
  if (typeof plural !== 'string' || plural === '') req('spec.names.plural');
  else if (!dnsLabel.test(plural))
    bad(
      'spec.names.plural',
      plural,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'",
    );
  if (typeof names.kind !== 'string' || names.kind === '') req('spec.names.kind');
  if (typeof names.singular === 'string' && !dnsLabel.test(names.singular))
    bad(
      'spec.names.singular',
      names.singular,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'",
    );
  if (
    typeof plural === 'string' &&
    typeof group === 'string' &&
    obj.metadata.name !== `${plural}.${group}`
  ) {
    bad('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group');
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    out.push({
      field: 'spec.scope',
      type: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isRecord) : [];
  if (versions.length === 0) req('spec.versions');
  else {
    if (versions.filter((v) => v.storage === true).length !== 1)
      bad(
        'spec.versions',
        versions.map((v) => v.name),
        'must have exactly one version marked as storage version',
      );
    const seen = new Set<string>();
    versions.forEach((v, i) => {
      if (
        typeof v.name !== 'string' ||
        !/^v\d+((alpha|beta)\d+)?$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v.name)
      )
        bad(`spec.versions[${i}].name`, v.name, 'a DNS-1035 label');
      else if (seen.has(v.name)) bad(`spec.versions[${i}].name`, v.name, 'must be unique');
      else seen.add(v.name);
      const schema = isRecord(v.schema) ? v.schema.openAPIV3Schema : undefined;
      if (!isRecord(schema)) req(`spec.versions[${i}].schema.openAPIV3Schema`);
      else if (schema.type !== 'object') {
        out.push({
          field: `spec.versions[${i}].schema.openAPIV3Schema.type`,
          type: 'FieldValueRequired',
          message: 'Required value: must not be empty at the root',
        });
      } else {
        structural(schema, `spec.versions[${i}].schema.openAPIV3Schema`, out);
        out.push(...ruleProblems(schema, `spec.versions[${i}].schema.openAPIV3Schema`));
      }
    });
  }
  if (old && isRecord(old.spec)) {
    if (old.spec.scope !== spec.scope) bad('spec.scope', spec.scope, 'field is immutable');
    if (old.spec.group !== spec.group) bad('spec.group', spec.group, 'field is immutable');
  }
  return out;
}

/** A structural schema declares a type everywhere below the root (unless preserving unknown fields). */
function structural(s: Record<string, unknown>, path: string, out: FieldProblem[]): void {
  if (isRecord(s.properties)) {
    for (const [k, v] of Object.entries(s.properties)) {
      if (!isRecord(v)) continue;
      const p = `${path}.properties[${k}]`;
      if (
        v.type === undefined &&
        v['x-kubernetes-preserve-unknown-fields'] !== true &&
        v['x-kubernetes-int-or-string'] !== true &&
        !Array.isArray(v.anyOf) &&
        !Array.isArray(v.allOf)
      ) {
        out.push({
          field: `${p}.type`,
          type: 'FieldValueRequired',
          message: 'Required value: must not be empty for specified object fields',
        });
      }
      structural(v, p, out);
    }
  }
  if (isRecord(s.items)) structural(s.items, `${path}.items`, out);
  if (isRecord(s.additionalProperties))
    structural(s.additionalProperties, `${path}.additionalProperties`, out);
}

/** The kinds an Established CRD serves, one per served version. */
export function typesFromCrd(obj: KubeObject): ResourceType[] {
  const spec = crdSpec(obj);
  const storage = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name ?? '';
  return spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const t: ResourceType = {
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        shortNames: spec.names.shortNames ?? [],
        categories: spec.names.categories ?? [],
        status: v.subresources?.status !== undefined,
        scale: v.subresources?.scale,
        generation: true,
        unconditionalUpdate: false,
        createOnUpdate: false,
        fieldSelectors: (v.selectableFields ?? []).map((f) => f.jsonPath.replace(/^\./, '')),
        printerColumns: v.additionalPrinterColumns ?? [],
        crd: obj.metadata.name ?? '',
        storageVersion: storage,
      };
      const schema = v.schema?.openAPIV3Schema;
      if (schema) t.schema = schema;
      return t;
    });
}
