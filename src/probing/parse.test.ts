import { describe, expect, it } from 'vitest';
import {
  parseProbes,
  PhaseProbeRecorder,
  phaseFailureMessage,
  objectFailureMessage,
} from './index.js';
import type { KubeObject, ObjectSetProbe } from './index.js';

// The availabilityProbes of PKO's test-stub and nginx example packages, plus a CRD probe and a CEL probe.
const probes: ObjectSetProbe[] = [
  {
    selector: { kind: { group: 'apps', kind: 'Deployment' } },
    probes: [
      { condition: { type: 'Available', status: 'True' } },
      { fieldsEqual: { fieldA: '.status.updatedReplicas', fieldB: '.status.replicas' } },
    ],
  },
  {
    selector: { kind: { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' } },
    probes: [{ condition: { type: 'Established', status: 'True' } }],
  },
  {
    selector: {
      kind: { group: 'route.openshift.io', kind: 'Route' },
      selector: { matchLabels: { probe: 'yes' } },
    },
    probes: [
      {
        cel: {
          rule: 'self.status.ingress.all(i, i.conditions.all(c, c.type == "Admitted" && c.status == "True"))',
          message: 'not all ingresses are admitted',
        },
      },
    ],
  },
];

function deployment(opts: {
  available: string;
  updated: number;
  replicas: number;
  observed?: number;
}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', generation: 2 },
    status: {
      observedGeneration: opts.observed ?? 2,
      updatedReplicas: opts.updated,
      replicas: opts.replicas,
      conditions: [{ type: 'Available', status: opts.available }],
    },
  };
}

function route(labels: Record<string, string>, admitted: string): KubeObject {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name: 'r', namespace: 'ns', labels },
    status: { ingress: [{ conditions: [{ type: 'Admitted', status: admitted }] }] },
  };
}

describe('parseProbes', () => {
  const prober = parseProbes(probes);

  it.each<[string, KubeObject, string, string[]]>([
    ['ready Deployment', deployment({ available: 'True', updated: 3, replicas: 3 }), 'True', []],
    [
      'unavailable Deployment keeps every failing message',
      deployment({ available: 'False', updated: 1, replicas: 3 }),
      'False',
      [
        '.status.condition["Available"] is False',
        '".status.updatedReplicas" != ".status.replicas" expected: 1 got: 3',
      ],
    ],
    [
      'Deployment with outdated status',
      deployment({ available: 'True', updated: 3, replicas: 3, observed: 1 }),
      'Unknown',
      ['.status outdated'],
    ],
    [
      'ConfigMap matches no selector and passes',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
      'True',
      [],
    ],
    [
      'Deployment of another group passes',
      {
        ...deployment({ available: 'False', updated: 0, replicas: 1 }),
        apiVersion: 'example.com/v1',
      },
      'True',
      [],
    ],
    [
      'CRD not established yet',
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'x' },
        status: {},
      },
      'Unknown',
      ['missing .status.conditions'],
    ],
    [
      'labelled Route not admitted',
      route({ probe: 'yes' }, 'False'),
      'False',
      ['not all ingresses are admitted'],
    ],
    ['labelled Route admitted', route({ probe: 'yes' }, 'True'), 'True', []],
    ['unlabelled Route is skipped', route({}, 'False'), 'True', []],
  ])('%s', (_name, obj, status, messages) => {
    const r = prober.probe(obj);
    expect(r.status).toBe(status);
    if (status !== 'True') expect(r.messages).toEqual(messages);
  });

  it('skips probe entries without a known probe type', () => {
    const p = parseProbes([{ selector: {}, probes: [{}] }]);
    expect(p.probe({ kind: 'Anything' }).status).toBe('True');
  });

  it('names the entry whose CEL rule does not compile', () => {
    expect(() =>
      parseProbes([
        probes[0]!,
        { selector: {}, probes: [{ cel: { rule: 'self.status.ready', message: 'm' } }] },
      ]),
    ).toThrow('parsing probe #1: cel expression must evaluate to a bool');
  });

  it('names the entry whose label selector is invalid', () => {
    expect(() =>
      parseProbes([
        {
          selector: { selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } },
          probes: [{ condition: { type: 'Available', status: 'True' } }],
        },
      ]),
    ).toThrow(/^parsing selector of probe #0: values: Invalid value/);
  });
});

describe('phase reporting', () => {
  it('formats object and phase failures as PKO does', () => {
    const obj = deployment({ available: 'False', updated: 1, replicas: 1 });
    expect(objectFailureMessage(obj, ['a', 'b'])).toBe('apps Deployment ns/web: a, b');
    expect(
      objectFailureMessage({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [
        'not found',
      ]),
    ).toBe(' ConfigMap /c: not found');
    expect(phaseFailureMessage('deploy', ['x', 'y'])).toBe('Phase "deploy" failed: x, y');
  });

  it('records failing and missing objects of a phase', () => {
    const rec = new PhaseProbeRecorder('deploy', parseProbes(probes));
    expect(rec.probe(deployment({ available: 'True', updated: 1, replicas: 1 }))).toBe(true);
    expect(rec.result()).toBeUndefined();
    expect(rec.message()).toBeUndefined();
    expect(rec.probe(deployment({ available: 'Unknown', updated: 1, replicas: 1 }))).toBe(false);
    rec.recordMissing({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'ns' },
    });
    expect(rec.result()).toEqual({
      phaseName: 'deploy',
      failedProbes: [
        'apps Deployment ns/web: .status.condition["Available"] is Unknown',
        ' Service ns/svc: not found',
      ],
    });
    expect(rec.message()).toBe(
      'Phase "deploy" failed: apps Deployment ns/web: .status.condition["Available"] is Unknown,  Service ns/svc: not found',
    );
  });
});
