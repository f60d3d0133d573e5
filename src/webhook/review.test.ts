import { describe, expect, it } from 'vitest';
import { review, webhookPaths, type ReviewReply } from './index.js';

const objectSet = (spec: Record<string, unknown>) => ({
  apiVersion: 'package-operator.run/v1alpha1',
  kind: 'ObjectSet',
  metadata: { name: 'nginx-1', namespace: 'ns' },
  spec,
});

const phases = (cm: string) => [
  {
    name: 'deploy',
    objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm } } }],
  },
];

function admissionReview(
  operation: string,
  object: unknown,
  oldObject: unknown,
  kind = 'ObjectSet',
): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: 'package-operator.run', version: 'v1alpha1', kind },
      resource: { group: 'package-operator.run', version: 'v1alpha1', resource: 'objectsets' },
      requestKind: { group: 'package-operator.run', version: 'v1alpha1', kind },
      name: 'nginx-1',
      namespace: 'ns',
      operation,
      userInfo: { username: 'admin' },
      object,
      oldObject,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'UpdateOptions' },
    },
  });
}

function response(reply: ReviewReply) {
  if (!('json' in reply)) throw new Error(`HTTP ${reply.status}: ${reply.text}`);
  return reply.json.response;
}

describe('review', () => {
  it('serves one path per kind with immutability rules', () => {
    expect([...webhookPaths().keys()].sort()).toEqual([
      '/validate-clusterobjectset',
      '/validate-clusterobjectsetphase',
      '/validate-clusterobjectslice',
      '/validate-objectset',
      '/validate-objectsetphase',
      '/validate-objectslice',
    ]);
  });

  it('allows creates, deletes and updates of mutable fields', () => {
    const old = objectSet({ lifecycleState: 'Active', phases: phases('a') });
    for (const [op, obj, prev] of [
      ['CREATE', old, null],
      ['DELETE', null, old],
      ['UPDATE', objectSet({ lifecycleState: 'Archived', phases: phases('a') }), old],
    ] as const) {
      expect(response(review('/validate-objectset', admissionReview(op, obj, prev)))).toEqual({
        uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
        allowed: true,
      });
    }
  });

  it('denies a changed phases list with the CRD rule message', () => {
    const old = objectSet({ lifecycleState: 'Active', phases: phases('a') });
    const body = admissionReview('UPDATE', objectSet({ phases: phases('b') }), old);
    expect(response(review('/validate-objectset', body))).toEqual({
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      allowed: false,
      status: {
        status: 'Failure',
        code: 422,
        reason: 'Invalid',
        message:
          'ObjectSet.package-operator.run "nginx-1" is invalid: spec: Invalid value: "object": phases is immutable',
        details: {
          name: 'nginx-1',
          group: 'package-operator.run',
          kind: 'ObjectSet',
          causes: [
            {
              reason: 'FieldValueInvalid',
              field: 'spec',
              message: 'Invalid value: "object": phases is immutable',
            },
          ],
        },
      },
    });
  });

  it('lists every violated rule', () => {
    const old = objectSet({ revision: 1, previous: [{ name: 'x' }], successDelaySeconds: 1 });
    const next = objectSet({ revision: 2, successDelaySeconds: 2 });
    const r = response(review('/validate-objectset', admissionReview('UPDATE', next, old)));
    expect(r.status?.message).toBe(
      'ObjectSet.package-operator.run "nginx-1" is invalid: [spec: Invalid value: "object": previous is immutable, spec: Invalid value: "object": successDelaySeconds is immutable, spec: Invalid value: "object": revision is immutable]',
    );
  });

  it('lets revision be set once', () => {
    const old = objectSet({ phases: phases('a') });
    const next = objectSet({ phases: phases('a'), revision: 3 });
    expect(
      response(review('/validate-objectset', admissionReview('UPDATE', next, old))).allowed,
    ).toBe(true);
  });

  it('checks ObjectSetPhase field rules at their field', () => {
    const phase = (spec: Record<string, unknown>) => ({
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ClusterObjectSetPhase',
      metadata: { name: 'p' },
      spec,
    });
    const old = phase({ revision: 1, objects: [], paused: false });
    const body = admissionReview(
      'UPDATE',
      phase({ revision: 2, objects: [], paused: true }),
      old,
      'ClusterObjectSetPhase',
    );
    const r = response(review('/validate-clusterobjectsetphase', body));
    expect(r.status?.details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.revision',
        message: 'Invalid value: "integer": revision is immutable',
      },
    ]);
  });

  it('refuses a kind the path does not validate', () => {
    const r = response(
      review('/validate-objectset', admissionReview('UPDATE', {}, {}, 'ObjectDeployment')),
    );
    expect(r).toMatchObject({ allowed: false, status: { code: 400, reason: 'BadRequest' } });
    expect(r.status?.message).toBe(
      "this webhook validates ObjectSet, not ObjectDeployment (check the webhook configuration's rules)",
    );
  });

  it('answers malformed requests with 400 and the problems, unknown paths with 404', () => {
    expect(review('/validate-objectset', '{')).toMatchObject({ status: 400 });
    expect(
      review('/validate-objectset', JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1' })),
    ).toEqual({
      status: 400,
      text: expect.stringMatching(
        /^invalid AdmissionReview: apiVersion: .*; kind: .*; request: .*\n$/,
      ) as unknown,
    });
    expect(review('/validate-package', admissionReview('UPDATE', {}, {}))).toEqual({
      status: 404,
      text: 'no webhook at /validate-package\n',
    });
  });
});
