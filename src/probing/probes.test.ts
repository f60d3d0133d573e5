import { describe, expect, it } from 'vitest';
import { CelCompileError } from '../cel/index.js';
import {
  AndProbe,
  CelProbe,
  ConditionProbe,
  FieldsEqualProbe,
  ObservedGenerationProbe,
} from './index.js';
import type { KubeObject, ProbeResult } from './index.js';

function withConditions(conditions: unknown, generation = 1): KubeObject {
  return { metadata: { generation }, status: { conditions } };
}

describe('ConditionProbe', () => {
  const probe = new ConditionProbe('Available', 'False');
  it.each<[string, KubeObject, ProbeResult]>([
    [
      'matching status',
      withConditions([
        { type: 'Banana', status: 'True', observedGeneration: 1 },
        { type: 'Available', status: 'False', observedGeneration: 1 },
      ]),
      { status: 'True', messages: ['.status.condition["Available"] is False'] },
    ],
    [
      'condition without observedGeneration',
      withConditions([{ type: 'Available', status: 'False' }], 7),
      { status: 'True', messages: ['.status.condition["Available"] is False'] },
    ],
    [
      'outdated observedGeneration',
      withConditions([{ type: 'Available', status: 'False', observedGeneration: 1 }], 42),
      { status: 'Unknown', messages: ['.status.condition["Available"] outdated'] },
    ],
    [
      'wrong status',
      withConditions([{ type: 'Available', status: 'Unknown', observedGeneration: 1 }]),
      { status: 'False', messages: ['.status.condition["Available"] is Unknown'] },
    ],
    [
      'condition not reported',
      withConditions([{ type: 'Banana', status: 'True' }]),
      { status: 'Unknown', messages: ['missing .status.condition["Available"]'] },
    ],
    [
      'conditions of ints',
      withConditions([42, 56]),
      { status: 'Unknown', messages: ['malformed .status.conditions'] },
    ],
    [
      'conditions of strings',
      withConditions(['42']),
      { status: 'Unknown', messages: ['malformed .status.conditions'] },
    ],
    [
      'conditions not a list',
      withConditions(42),
      { status: 'Unknown', messages: ['malformed .status.conditions'] },
    ],
    [
      'no conditions',
      { metadata: { generation: 1 }, status: {} },
      { status: 'Unknown', messages: ['missing .status.conditions'] },
    ],
    [
      'no status',
      { metadata: { generation: 1 } },
      { status: 'Unknown', messages: ['missing .status.conditions'] },
    ],
    [
      'status not a map',
      { status: 'weird' },
      { status: 'Unknown', messages: ['missing .status.conditions'] },
    ],
  ])('%s', (_name, obj, expected) => {
    expect(probe.probe(obj)).toEqual(expected);
  });

  it('compares the generation as unset (0) when metadata.generation is missing', () => {
    const obj = {
      status: { conditions: [{ type: 'Available', status: 'False', observedGeneration: 1 }] },
    };
    expect(probe.probe(obj).status).toBe('Unknown');
  });
});

describe('FieldsEqualProbe', () => {
  const probe = new FieldsEqualProbe('.spec.fieldA', '.spec.fieldB');
  it.each<[string, unknown, ProbeResult]>([
    [
      'equal strings',
      { fieldA: 'test', fieldB: 'test' },
      { status: 'True', messages: ['".spec.fieldA" == ".spec.fieldB"'] },
    ],
    [
      'different strings',
      { fieldA: 'test', fieldB: 'not test' },
      {
        status: 'False',
        messages: ['".spec.fieldA" != ".spec.fieldB" expected: "test" got: "not test"'],
      },
    ],
    [
      'equal maps',
      { fieldA: { fk: 'fv' }, fieldB: { fk: 'fv' } },
      { status: 'True', messages: ['".spec.fieldA" == ".spec.fieldB"'] },
    ],
    [
      'different maps',
      { fieldA: { fk: 'fv' }, fieldB: { fk: 'something else' } },
      {
        status: 'False',
        messages: [
          '".spec.fieldA" != ".spec.fieldB" expected: {"fk":"fv"} got: {"fk":"something else"}',
        ],
      },
    ],
    [
      'different numbers',
      { fieldA: { fk: 1.0 }, fieldB: { fk: 2.0 } },
      {
        status: 'False',
        messages: ['".spec.fieldA" != ".spec.fieldB" expected: {"fk":1} got: {"fk":2}'],
      },
    ],
    [
      'keys in Go order and HTML escaped',
      { fieldA: { z: 1, a: '<&>' }, fieldB: null },
      {
        status: 'False',
        messages: [
          '".spec.fieldA" != ".spec.fieldB" expected: {"a":"\\u003c\\u0026\\u003e","z":1} got: null',
        ],
      },
    ],
    [
      'fieldA missing',
      { fieldB: 'test' },
      { status: 'False', messages: ['".spec.fieldA" missing'] },
    ],
    [
      'fieldB missing',
      { fieldA: 'test' },
      { status: 'False', messages: ['".spec.fieldB" missing'] },
    ],
    [
      'explicit nulls are equal',
      { fieldA: null, fieldB: null },
      { status: 'True', messages: ['".spec.fieldA" == ".spec.fieldB"'] },
    ],
  ])('%s', (_name, spec, expected) => {
    expect(probe.probe({ spec })).toEqual(expected);
  });

  it('follows dotted paths without indexing', () => {
    const p = new FieldsEqualProbe('status.updatedReplicas.', '..status.replicas');
    expect(p.probe({ status: { updatedReplicas: 2, replicas: 2 } }).status).toBe('True');
    const indexed = new FieldsEqualProbe('.spec.list[0]', '.spec.x');
    expect(indexed.probe({ spec: { list: [1], x: 1 } })).toEqual({
      status: 'False',
      messages: ['".spec.list[0]" missing'],
    });
  });
});

describe('CelProbe', () => {
  const route = (statuses: string[]): KubeObject => ({
    status: {
      ingress: statuses.map((status, i) => ({
        host: `h${i}`,
        conditions: [{ type: 'Ready', status }],
      })),
    },
  });
  const routeRule =
    'self.status.ingress.all(i, i.conditions.all(c, c.type == "Ready" && c.status == "True"))';

  it.each<[string, string, KubeObject, ProbeResult]>([
    [
      'name matches',
      'self.metadata.name == "hans"',
      { metadata: { name: 'hans' } },
      { status: 'True', messages: [] },
    ],
    [
      'name differs',
      'self.metadata.name == "hans"',
      { metadata: { name: 'nothans' } },
      { status: 'False', messages: ['aaaaaah!'] },
    ],
    ['route ready', routeRule, route(['True']), { status: 'True', messages: [] }],
    [
      'route not ready',
      routeRule,
      route(['True', 'False']),
      { status: 'False', messages: ['aaaaaah!'] },
    ],
    [
      'int arithmetic on JSON numbers',
      'self.status.readyReplicas + 1 > self.spec.replicas',
      { spec: { replicas: 2 }, status: { readyReplicas: 2 } },
      { status: 'True', messages: [] },
    ],
    [
      'evaluation error is Unknown',
      'self.status.readyReplicas == 1',
      { status: {} },
      { status: 'Unknown', messages: ['CEL program failed: no such key: readyReplicas'] },
    ],
  ])('%s', (_name, rule, obj, expected) => {
    const probe = CelProbe.create(rule, 'aaaaaah!');
    expect(probe).toBeInstanceOf(CelProbe);
    expect((probe as CelProbe).probe(obj)).toEqual(expected);
  });

  it('refuses a rule that is not bool-typed', () => {
    const err = CelProbe.create('self.test', '');
    expect(err).toBeInstanceOf(CelCompileError);
    expect((err as CelCompileError).message).toBe('cel expression must evaluate to a bool');
  });

  it('refuses a rule that does not compile', () => {
    const err = CelProbe.create('self.a ==', '') as CelCompileError;
    expect(err.message).toMatch(/^compiling CEL: ERROR: <input>:1:/);
  });
});

describe('ObservedGenerationProbe', () => {
  const inner = new FieldsEqualProbe('.spec.a', '.spec.b');
  const probe = new ObservedGenerationProbe(inner);
  it.each<[string, KubeObject, ProbeResult['status'], string[]]>([
    [
      'up to date',
      { metadata: { generation: 2 }, spec: { a: 1, b: 1 }, status: { observedGeneration: 2 } },
      'True',
      ['".spec.a" == ".spec.b"'],
    ],
    [
      'outdated',
      { metadata: { generation: 3 }, spec: { a: 1, b: 1 }, status: { observedGeneration: 2 } },
      'Unknown',
      ['.status outdated'],
    ],
    [
      'no observedGeneration',
      { metadata: { generation: 3 }, spec: { a: 1, b: 2 } },
      'False',
      ['".spec.a" != ".spec.b" expected: 1 got: 2'],
    ],
  ])('%s', (_name, obj, status, messages) => {
    expect(probe.probe(obj)).toEqual({ status, messages });
  });
});

describe('AndProbe', () => {
  const ok = new FieldsEqualProbe('.a', '.a');
  const bad1 = new FieldsEqualProbe('.a', '.b');
  const bad2 = new FieldsEqualProbe('.a', '.c');
  const unknown = new ConditionProbe('Available', 'True');
  const obj = { a: 1, b: 2, c: 3 };

  it('keeps the messages of every failing probe', () => {
    expect(new AndProbe([bad1, ok, bad2]).probe(obj)).toEqual({
      status: 'False',
      messages: ['".a" != ".b" expected: 1 got: 2', '".a" != ".c" expected: 1 got: 3'],
    });
  });

  it('lets Unknown win over False', () => {
    expect(new AndProbe([bad1, unknown]).probe(obj)).toEqual({
      status: 'Unknown',
      messages: ['missing .status.conditions'],
    });
  });

  it('passes with the success messages when all pass, and when empty', () => {
    expect(new AndProbe([ok, ok]).probe(obj)).toEqual({
      status: 'True',
      messages: ['".a" == ".a"', '".a" == ".a"'],
    });
    expect(new AndProbe([]).probe(obj)).toEqual({ status: 'True', messages: [] });
  });
});

describe('FieldsEqualProbe with odd keys', () => {
  it('prints a __proto__ key as data', () => {
    const obj = JSON.parse('{"a": {"__proto__": {"x": 1}}, "b": {}}') as KubeObject;
    expect(new FieldsEqualProbe('.a', '.b').probe(obj).messages).toEqual([
      '".a" != ".b" expected: {"__proto__":{"x":1}} got: {}',
    ]);
  });
});
