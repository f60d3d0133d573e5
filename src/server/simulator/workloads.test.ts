import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { deploymentStatus, jobStatus, statefulSetStatus, templateHash } from './workloads.js';

const now = '2026-01-01T00:00:00Z';
const settled = { settled: true, now, nodes: 1 };

function obj(kind: string, spec: unknown, status?: unknown, generation = 1): KubeObject {
  return { apiVersion: 'apps/v1', kind, metadata: { name: 'x', generation }, spec, status };
}

describe('workload rules', () => {
  it('hashes pod templates stably with the safe alphabet', () => {
    const a = templateHash({ spec: { containers: [{ image: 'a' }] } });
    expect(a).toBe(templateHash({ spec: { containers: [{ image: 'a' }] } }));
    expect(a).not.toBe(templateHash({ spec: { containers: [{ image: 'b' }] } }));
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('keeps condition timestamps when nothing changed', () => {
    const d = obj('Deployment', { replicas: 1 });
    const first = deploymentStatus(d, settled);
    const again = deploymentStatus(obj('Deployment', { replicas: 1 }, first), {
      ...settled,
      now: 'later',
    });
    expect(again).toEqual(first);
  });

  it('a Deployment with maxUnavailable stays Available during a rollout of its old pods', () => {
    const old = { availableReplicas: 4, conditions: [] };
    const st = deploymentStatus(
      obj(
        'Deployment',
        { replicas: 4, strategy: { rollingUpdate: { maxUnavailable: 1 } } },
        old,
        2,
      ),
      { ...settled, settled: false },
    );
    expect(st).toMatchObject({ observedGeneration: 2, availableReplicas: 4, updatedReplicas: 4 });
    expect((st.conditions as { type: string; status: string }[])[0]).toMatchObject({
      type: 'Available',
      status: 'True',
    });
  });

  it('a paused Deployment reports DeploymentPaused', () => {
    const st = deploymentStatus(obj('Deployment', { replicas: 1, paused: true }), settled);
    expect((st.conditions as { type: string; reason: string }[])[1]).toMatchObject({
      type: 'Progressing',
      reason: 'DeploymentPaused',
    });
  });

  it('a partitioned StatefulSet update leaves the current revision on the old pods', () => {
    const tpl = { spec: { containers: [{ image: 'b' }] } };
    const st = statefulSetStatus(
      obj(
        'StatefulSet',
        { replicas: 3, template: tpl, updateStrategy: { rollingUpdate: { partition: 2 } } },
        { currentRevision: 'x-old' },
      ),
      settled,
    );
    expect(st).toMatchObject({
      updatedReplicas: 1,
      currentReplicas: 2,
      currentRevision: 'x-old',
      readyReplicas: 3,
    });
    expect(st.updateRevision).toBe(`x-${templateHash(tpl)}`);
  });

  it('a finished Job keeps its status; a running one reports active pods', () => {
    const done = { conditions: [{ type: 'Complete', status: 'True' }], succeeded: 1 };
    expect(jobStatus(obj('Job', {}, done), settled)).toBe(done);
    expect(
      jobStatus(obj('Job', { parallelism: 3, completions: 5 }), { ...settled, settled: false }),
    ).toMatchObject({
      active: 3,
      startTime: now,
    });
  });
});
