// CRD schemas over HTTP: pruning per fieldValidation, defaulting (on write and on read),
// OpenAPI validation with the API server's messages, CEL rules (message, messageExpression,
// reason, fieldPath, transition rules, optionalOldSelf), ratcheting, and a valid/invalid object
// set for the project's own CRDs, including every immutable ObjectSet field.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freshNamespace, raw, startTestServer, type TestServer } from './helpers.js';

const crdDir = resolve(import.meta.dirname, '../../crds');
let ts: TestServer;
let ns: string;

interface Reply {
  status: number;
  body: {
    message?: string;
    reason?: string;
    details?: { causes?: { type?: string; field?: string; message?: string }[] };
    spec?: Record<string, unknown>;
    metadata?: { resourceVersion?: string };
  };
  warning: string | null;
}

async function call(method: string, path: string, body?: unknown, ctype?: string): Promise<Reply> {
  const r = await raw(ts.server, method, path, body, ctype ? { 'content-type': ctype } : {});
  return { status: r.status, body: r.json() as Reply['body'], warning: r.headers.get('warning') };
}

function crPath(group: string, plural: string, name?: string, query = ''): string {
  return `/apis/${group}/v1alpha1/namespaces/${ns}/${plural}${name ? `/${name}` : ''}${query}`;
}

async function established(name: string): Promise<void> {
  await eventually(async () => {
    const c = await ts.ext.readCustomResourceDefinition({ name });
    return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True');
  }, `${name} to be established`);
}

/** A CRD as JSON (client-node's typed CRD would rename `default`, `enum` and `x-kubernetes-*`). */
interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string; resourceVersion?: string | undefined };
  spec: {
    names: Record<string, string>;
    versions: {
      schema: { openAPIV3Schema: { type: string; properties: { spec: Record<string, unknown> } } };
      [k: string]: unknown;
    }[];
    [k: string]: unknown;
  };
}

const ruleCrd = (extra: Record<string, unknown> = {}, nameMax = 5): Crd => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'rules.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'rules', kind: 'Rule' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  replicas: { type: 'integer', minimum: 0, maximum: 10 },
                  ratio: { type: 'number', exclusiveMaximum: true, maximum: 1.5 },
                  minReplicas: { type: 'integer' },
                  maxReplicas: { type: 'integer' },
                  mode: { type: 'string', enum: ['a', 'b'] },
                  name: { type: 'string', maxLength: nameMax, pattern: '^[a-z]+$' },
                  created: { type: 'string', format: 'date-time' },
                  tags: {
                    type: 'array',
                    items: { type: 'string' },
                    'x-kubernetes-list-type': 'set',
                    maxItems: 3,
                  },
                  ports: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: {
                      type: 'object',
                      required: ['name'],
                      properties: {
                        name: { type: 'string' },
                        port: { type: 'integer', default: 80 },
                      },
                    },
                  },
                  labels: {
                    type: 'object',
                    additionalProperties: { type: 'string' },
                    maxProperties: 2,
                  },
                  note: { type: 'string', nullable: true },
                  size: { type: 'string', default: 'small' },
                  immutableId: {
                    type: 'string',
                    'x-kubernetes-validations': [
                      { rule: 'self == oldSelf', message: 'immutableId is immutable' },
                    ],
                  },
                  counter: {
                    type: 'integer',
                    'x-kubernetes-validations': [
                      {
                        rule: 'self >= oldSelf',
                        messageExpression:
                          "'counter may not decrease from ' + string(oldSelf) + ' to ' + string(self)",
                      },
                    ],
                  },
                  token: {
                    type: 'string',
                    'x-kubernetes-validations': [
                      {
                        rule: "oldSelf.hasValue() ? oldSelf.value() == self : self.startsWith('init-')",
                        optionalOldSelf: true,
                        message: 'token starts with init- and never changes',
                      },
                    ],
                  },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  ...extra,
                },
                'x-kubernetes-validations': [
                  {
                    rule: '!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas',
                    message: 'minReplicas must not exceed maxReplicas',
                    fieldPath: '.minReplicas',
                    reason: 'FieldValueForbidden',
                  },
                  {
                    rule: "!has(self.mode) || self.mode != 'b' || has(self.name)",
                    messageExpression: "'mode ' + self.mode + ' needs a name'",
                    reason: 'FieldValueRequired',
                    fieldPath: '.name',
                  },
                ],
              },
            },
          },
        },
      },
    ],
  },
});

function rule(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'example.com/v1alpha1', kind: 'Rule', metadata: { name }, spec };
}

// Raw JSON: client-node's typed serializer would drop `default`, `enum` and `x-kubernetes-*` keys.
const crdsPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
async function postCrd(body: unknown): Promise<void> {
  const r = await call('POST', crdsPath, body);
  if (r.status !== 201) throw new Error(`creating a CRD: ${r.status} ${r.body.message ?? ''}`);
}
async function replaceCrd(body: Crd): Promise<void> {
  const now = await call('GET', `${crdsPath}/${body.metadata.name}`);
  body.metadata.resourceVersion = now.body.metadata?.resourceVersion;
  const r = await call('PUT', `${crdsPath}/${body.metadata.name}`, body);
  if (r.status !== 200) throw new Error(`replacing a CRD: ${r.status} ${r.body.message ?? ''}`);
}

beforeAll(async () => {
  ts = await startTestServer();
  for (const f of [
    'package-operator.run_objectsets.yaml',
    'package-operator.run_objectsetphases.yaml',
    'package-operator.run_objectslices.yaml',
    'package-operator.run_packages.yaml',
    'packsync.dev_gitsyncs.yaml',
  ]) {
    await postCrd(parse(readFileSync(join(crdDir, f), 'utf8')));
  }
  await postCrd(ruleCrd());
  for (const n of [
    'objectsets.package-operator.run',
    'objectsetphases.package-operator.run',
    'objectslices.package-operator.run',
    'packages.package-operator.run',
    'gitsyncs.packsync.dev',
    'rules.example.com',
  ])
    await established(n);
  ns = await freshNamespace(ts);
});
afterAll(async () => {
  await ts.server.stop();
});

describe('OpenAPI validation with the API server messages', () => {
  const cases: { name: string; spec: Record<string, unknown>; errors: string[] }[] = [
    {
      name: 'type',
      spec: { replicas: 'three' },
      errors: [
        'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      ],
    },
    {
      name: 'maximum',
      spec: { replicas: 11 },
      errors: [
        'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
      ],
    },
    {
      name: 'minimum',
      spec: { replicas: -1 },
      errors: [
        'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
      ],
    },
    {
      name: 'exclusive-maximum',
      spec: { ratio: 1.5 },
      errors: ['spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5'],
    },
    {
      name: 'enum',
      spec: { mode: 'c' },
      errors: ['spec.mode: Unsupported value: "c": supported values: "a", "b"'],
    },
    {
      name: 'length-and-pattern',
      spec: { name: 'Abcdef' },
      errors: [
        'spec.name: Too long: may not be more than 5 bytes',
        'spec.name: Invalid value: "Abcdef": spec.name in body should match \'^[a-z]+$\'',
      ],
    },
    {
      name: 'format',
      spec: { created: 'yesterday' },
      errors: [
        'spec.created: Invalid value: "yesterday": spec.created in body must be of type date-time: "yesterday"',
      ],
    },
    {
      name: 'set',
      spec: { tags: ['x', 'y', 'x'] },
      errors: ['spec.tags[2]: Duplicate value: "x"'],
    },
    {
      name: 'max-items',
      spec: { tags: ['a', 'b', 'c', 'd'] },
      errors: ['spec.tags: Too many: 4: must have at most 3 items'],
    },
    {
      name: 'map-keys',
      spec: { ports: [{ name: 'http' }, { name: 'http', port: 81 }] },
      errors: ['spec.ports[1]: Duplicate value: {"name":"http"}'],
    },
    {
      name: 'required-map-key',
      spec: { ports: [{ port: 1 }] },
      errors: ['spec.ports[0].name: Required value'],
    },
    {
      name: 'max-properties',
      spec: { labels: { a: '1', b: '2', c: '3' } },
      errors: ['spec.labels: Too many: 3: must have at most 2 items'],
    },
    {
      name: 'cel-fieldpath-reason',
      spec: { minReplicas: 3, maxReplicas: 2 },
      errors: ['spec.minReplicas: Forbidden: minReplicas must not exceed maxReplicas'],
    },
    {
      name: 'cel-message-expression',
      spec: { mode: 'b' },
      errors: ['spec.name: Required value: mode b needs a name'],
    },
    {
      name: 'cel-optional-old-self-on-create',
      spec: { token: 'abc' },
      errors: ['spec.token: Invalid value: "string": token starts with init- and never changes'],
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with one cause per field`, async () => {
      const r = await call(
        'POST',
        `/apis/example.com/v1alpha1/namespaces/${ns}/rules`,
        rule(`bad-${c.name}`, c.spec),
      );
      expect(r.status).toBe(422);
      expect(r.body.reason).toBe('Invalid');
      const joined = c.errors.length === 1 ? c.errors[0] : `[${c.errors.join(', ')}]`;
      expect(r.body.message).toBe(`Rule.example.com "bad-${c.name}" is invalid: ${joined}`);
      expect(r.body.details?.causes?.map((x) => `${x.field}: ${x.message}`)).toEqual(c.errors);
    });
  }

  it('accepts a valid object and applies defaults (also in list items), keeping nullable nulls', async () => {
    const r = await call(
      'POST',
      `/apis/example.com/v1alpha1/namespaces/${ns}/rules`,
      rule('good', {
        replicas: 3,
        ratio: 0.5,
        mode: 'b',
        name: 'abc',
        created: '2024-05-01T10:00:00Z',
        tags: ['a', 'b'],
        ports: [{ name: 'http' }],
        labels: { a: 'x' },
        note: null,
        counter: 1,
        token: 'init-1',
        immutableId: 'id-1',
        free: { anything: { goes: [1, 2] } },
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.spec).toMatchObject({
      size: 'small',
      ports: [{ name: 'http', port: 80 }],
      note: null,
      free: { anything: { goes: [1, 2] } },
    });
  });
});

describe('pruning per fieldValidation', () => {
  const body = (name: string): Record<string, unknown> =>
    rule(name, { replicas: 1, bogus: true, ports: [{ name: 'a', extra: 1 }], free: { kept: 1 } });

  it('Strict refuses unknown fields', async () => {
    const r = await call(
      'POST',
      crPath('example.com', 'rules', undefined, '?fieldValidation=Strict').replace(
        'v1alpha1',
        'v1alpha1',
      ),
      body('strict'),
    );
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('unknown field "spec.bogus"');
    expect(r.body.message).toContain('unknown field "spec.ports[0].extra"');
  });

  it('Warn answers warnings and drops them; Ignore drops them silently', async () => {
    const warn = await call(
      'POST',
      `/apis/example.com/v1alpha1/namespaces/${ns}/rules?fieldValidation=Warn`,
      body('warn'),
    );
    expect(warn.status).toBe(201);
    expect(warn.warning).toContain('unknown field \\"spec.bogus\\"');
    expect(warn.warning).toContain('unknown field \\"spec.ports[0].extra\\"');
    expect(warn.body.spec).toEqual({
      replicas: 1,
      size: 'small',
      ports: [{ name: 'a', port: 80 }],
      free: { kept: 1 },
    });
    const ignore = await call(
      'POST',
      `/apis/example.com/v1alpha1/namespaces/${ns}/rules?fieldValidation=Ignore`,
      body('ignore'),
    );
    expect(ignore.status).toBe(201);
    expect(ignore.warning).toBeNull();
    expect(ignore.body.spec).not.toHaveProperty('bogus');
  });
});

describe('transition rules and ratcheting', () => {
  it('evaluates oldSelf on update only, with messageExpression', async () => {
    const path = `/apis/example.com/v1alpha1/namespaces/${ns}/rules`;
    const created = await call(
      'POST',
      path,
      rule('t', { immutableId: 'a', counter: 5, token: 'init-x' }),
    );
    expect(created.status).toBe(201);
    const merge = 'application/merge-patch+json';
    const changeId = await call('PATCH', `${path}/t`, { spec: { immutableId: 'b' } }, merge);
    expect(changeId.status).toBe(422);
    expect(changeId.body.message).toBe(
      'Rule.example.com "t" is invalid: spec.immutableId: Invalid value: "string": immutableId is immutable',
    );
    const down = await call('PATCH', `${path}/t`, { spec: { counter: 4 } }, merge);
    expect(down.body.message).toBe(
      'Rule.example.com "t" is invalid: spec.counter: Invalid value: "integer": counter may not decrease from 5 to 4',
    );
    const token = await call('PATCH', `${path}/t`, { spec: { token: 'init-y' } }, merge);
    expect(token.status).toBe(422);
    // A field set for the first time has no old value: the transition rule does not run.
    const up = await call('PATCH', `${path}/t`, { spec: { counter: 6, maxReplicas: 1 } }, merge);
    expect(up.status).toBe(200);
  });

  it('ratchets values that became invalid under a stricter schema while they stay unchanged', async () => {
    const path = `/apis/example.com/v1alpha1/namespaces/${ns}/rules`;
    expect((await call('POST', path, rule('old', { name: 'abcd', tags: ['a'] }))).status).toBe(201);
    // The schema tightens: name at most 2 characters, and a CEL rule on tags.
    const next = ruleCrd(
      {
        tags: {
          type: 'array',
          items: { type: 'string' },
          'x-kubernetes-list-type': 'set',
          'x-kubernetes-validations': [
            { rule: 'self.all(t, t.size() > 1)', message: 'tags are longer' },
          ],
        },
        added: { type: 'string', default: 'later' },
      },
      2,
    );
    await replaceCrd(next);
    await eventually(async () => {
      const r = await call('POST', `${path}?dryRun=All`, rule('probe', { name: 'abc' }));
      return r.status === 422;
    }, 'the stricter schema to be served');
    // Defaults of the new schema show on read.
    const read = await call('GET', `${path}/old`);
    expect(read.body.spec).toMatchObject({ name: 'abcd', added: 'later' });
    // Unchanged invalid values pass; changed ones do not.
    const merge = 'application/merge-patch+json';
    const other = await call('PATCH', `${path}/old`, { spec: { replicas: 2 } }, merge);
    expect(other.status).toBe(200);
    // The ratcheted rule failure is answered as a warning, as the API server does.
    expect(other.warning).toContain('spec.tags: Invalid value: \\"array\\": tags are longer');
    const changed = await call('PATCH', `${path}/old`, { spec: { name: 'abcde' } }, merge);
    expect(changed.status).toBe(422);
    expect(changed.body.details?.causes?.map((c) => c.field)).toEqual(['spec.name']);
    const tags = await call('PATCH', `${path}/old`, { spec: { tags: ['a', 'b'] } }, merge);
    expect(tags.body.message).toBe(
      'Rule.example.com "old" is invalid: spec.tags: Invalid value: "array": tags are longer',
    );
    // Restore the original schema for other tests.
    await replaceCrd(ruleCrd());
    await eventually(async () => {
      const r = await call('POST', `${path}?dryRun=All`, rule('probe', { name: 'abc' }));
      return r.status === 201;
    }, 'the original schema to be served');
  });
});

describe('CRD schema checks', () => {
  it('refuses a CRD whose rule does not compile', async () => {
    const bad = ruleCrd();
    bad.metadata = { name: 'brokens.example.com' };
    bad.spec.names = { plural: 'brokens', kind: 'Broken' };
    const spec = bad.spec.versions[0]?.schema.openAPIV3Schema.properties.spec;
    if (spec) spec['x-kubernetes-validations'] = [{ rule: 'self.nope(' }];
    const r = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', bad);
    expect(r.status).toBe(422);
    expect(r.body.details?.causes?.[0]?.field).toBe(
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule',
    );
  });

  it('reports NonStructuralSchema for a schema that is not structural', async () => {
    await postCrd({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'loose.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { plural: 'loose', kind: 'Loose' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { list: { type: 'array' } } } },
              },
            },
          },
        ],
      },
    });
    const cond = await eventually(async () => {
      const c = await ts.ext.readCustomResourceDefinition({ name: 'loose.example.com' });
      return c.status?.conditions?.find((x) => x.type === 'NonStructuralSchema');
    }, 'the NonStructuralSchema condition');
    expect(cond).toMatchObject({
      status: 'True',
      reason: 'Violations',
      message:
        'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[list].items: Required value: must be specified for arrays',
    });
  });
});

describe('project CRDs: valid and invalid objects', () => {
  const ok = 201;
  const table: {
    what: string;
    group: string;
    plural: string;
    kind: string;
    spec: unknown;
    want: number | string;
  }[] = [
    {
      what: 'package',
      group: 'package-operator.run',
      plural: 'packages',
      kind: 'Package',
      spec: { image: 'quay.io/x/y:1' },
      want: ok,
    },
    {
      what: 'package without image',
      group: 'package-operator.run',
      plural: 'packages',
      kind: 'Package',
      spec: {},
      want: 'spec.image: Required value',
    },
    {
      what: 'gitsync',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: { url: 'https://example.com/r.git' },
      want: ok,
    },
    {
      what: 'gitsync by tag',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: { url: 'https://example.com/r.git', ref: { tag: 'v1' } },
      want: ok,
    },
    {
      what: 'gitsync two refs',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: { url: 'u', ref: { tag: 'v1', branch: 'main' } },
      want: 'spec.ref: Invalid value: "object": exactly one of branch, tag, semver, commit must be set',
    },
    {
      what: 'gitsync no ref',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: { url: 'u', ref: {} },
      want: 'spec.ref: Invalid value: "object": exactly one of branch, tag, semver, commit must be set',
    },
    {
      what: 'gitsync bad commit',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: { url: 'u', ref: { commit: 'xyz' } },
      want: 'spec.ref.commit: Invalid value: "xyz": spec.ref.commit in body should match \'^[0-9a-f]{7,64}$\'',
    },
    {
      what: 'gitsync negative history',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: { url: 'u', revisionHistoryLimit: -1 },
      want: 'spec.revisionHistoryLimit: Invalid value: -1: spec.revisionHistoryLimit in body should be greater than or equal to 0',
    },
    {
      what: 'gitsync suspend string',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: { url: 'u', suspend: 'yes' },
      want: 'spec.suspend: Invalid value: "string": spec.suspend in body must be of type boolean: "string"',
    },
    {
      what: 'gitsync without url',
      group: 'packsync.dev',
      plural: 'gitsyncs',
      kind: 'GitSync',
      spec: {},
      want: 'spec.url: Required value',
    },
    {
      what: 'objectset',
      group: 'package-operator.run',
      plural: 'objectsets',
      kind: 'ObjectSet',
      spec: {
        revision: 1,
        phases: [
          {
            name: 'deploy',
            objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }],
          },
        ],
      },
      want: ok,
    },
    {
      what: 'objectset embedded object without kind',
      group: 'package-operator.run',
      plural: 'objectsets',
      kind: 'ObjectSet',
      spec: {
        phases: [
          { name: 'deploy', objects: [{ object: { apiVersion: 'v1', metadata: { name: 'c' } } }] },
        ],
      },
      want: 'spec.phases[0].objects[0].object.kind: Required value: must not be empty',
    },
    {
      what: 'objectset bad lifecycle',
      group: 'package-operator.run',
      plural: 'objectsets',
      kind: 'ObjectSet',
      spec: { lifecycleState: 'Broken' },
      want: 'spec.lifecycleState: Unsupported value: "Broken": supported values: "Active", "Paused", "Archived"',
    },
  ];
  table.forEach((c, i) => {
    it(`${typeof c.want === 'number' ? 'accepts' : 'refuses'} ${c.what}`, async () => {
      const name = `obj-${i}`;
      const r = await call('POST', `/apis/${c.group}/v1alpha1/namespaces/${ns}/${c.plural}`, {
        apiVersion: `${c.group}/v1alpha1`,
        kind: c.kind,
        metadata: { name },
        spec: c.spec,
      });
      if (typeof c.want === 'number') expect(r.status, r.body.message).toBe(c.want);
      else {
        expect(r.status).toBe(422);
        expect(r.body.message).toBe(`${c.kind}.${c.group} "${name}" is invalid: ${c.want}`);
      }
    });
  });

  it('gitsync gets its schema defaults', async () => {
    const r = await call('POST', `/apis/packsync.dev/v1alpha1/namespaces/${ns}/gitsyncs`, {
      apiVersion: 'packsync.dev/v1alpha1',
      kind: 'GitSync',
      metadata: { name: 'defaults' },
      spec: { url: 'https://example.com/r.git' },
    });
    expect(r.body.spec).toMatchObject({
      ref: { branch: 'main' },
      interval: '1m',
      path: '.',
      revisionHistoryLimit: 10,
      suspend: false,
    });
  });

  it('every immutable ObjectSet field refuses a change: <field> is immutable', async () => {
    const path = `/apis/package-operator.run/v1alpha1/namespaces/${ns}/objectsets`;
    const probe = {
      selector: { kind: { group: 'apps', kind: 'Deployment' } },
      probes: [{ condition: { type: 'Available' } }],
    };
    const created = await call('POST', path, {
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ObjectSet',
      metadata: { name: 'immutable' },
      spec: {
        revision: 1,
        successDelaySeconds: 5,
        previous: [{ name: 'older' }],
        availabilityProbes: [probe],
        phases: [
          {
            name: 'deploy',
            objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }],
          },
        ],
      },
    });
    expect(created.status, created.body.message).toBe(201);
    const changes: [string, unknown][] = [
      ['revision', 2],
      ['successDelaySeconds', 6],
      ['previous', [{ name: 'other' }]],
      ['availabilityProbes', [{ ...probe, probes: [{ condition: { type: 'Ready' } }] }]],
      ['phases', [{ name: 'renamed' }]],
    ];
    const merge = 'application/merge-patch+json';
    for (const [field, value] of changes) {
      const r = await call('PATCH', `${path}/immutable`, { spec: { [field]: value } }, merge);
      expect(r.status, field).toBe(422);
      expect(r.body.message).toBe(
        `ObjectSet.package-operator.run "immutable" is invalid: spec: Invalid value: "object": ${field} is immutable`,
      );
    }
    // Dropping an immutable field is a change too; a mutable field still changes.
    const dropped = await call('PATCH', `${path}/immutable`, { spec: { previous: null } }, merge);
    expect(dropped.body.message).toContain('previous is immutable');
    const paused = await call(
      'PATCH',
      `${path}/immutable`,
      { spec: { lifecycleState: 'Paused' } },
      merge,
    );
    expect(paused.status).toBe(200);
  });

  it('ObjectSetPhase and ObjectSlice immutable fields', async () => {
    const phases = `/apis/package-operator.run/v1alpha1/namespaces/${ns}/objectsetphases`;
    const created = await call('POST', phases, {
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ObjectSetPhase',
      metadata: { name: 'p' },
      spec: {
        revision: 1,
        objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }],
      },
    });
    expect(created.status, created.body.message).toBe(201);
    const r = await call(
      'PATCH',
      `${phases}/p`,
      { spec: { revision: 2 } },
      'application/merge-patch+json',
    );
    expect(r.body.message).toBe(
      'ObjectSetPhase.package-operator.run "p" is invalid: spec.revision: Invalid value: "integer": revision is immutable',
    );
    const slices = `/apis/package-operator.run/v1alpha1/namespaces/${ns}/objectslices`;
    const s = await call('POST', slices, {
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ObjectSlice',
      metadata: { name: 's' },
      objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }],
    });
    expect(s.status, s.body.message).toBe(201);
    const rs = await call(
      'PATCH',
      `${slices}/s`,
      { objects: [{ object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } } }] },
      'application/merge-patch+json',
    );
    expect(rs.body.message).toBe(
      'ObjectSlice.package-operator.run "s" is invalid: objects: Invalid value: "array": objects is immutable',
    );
  });
});
