import { describe, expect, it } from 'vitest';
import { RuntimeMetrics, createRegistry } from './index.js';

describe('RuntimeMetrics', () => {
  it('records an ObjectSet rollout time from creation to its Succeeded transition', async () => {
    const m = new RuntimeMetrics(createRegistry({ processMetrics: false }));
    const set = {
      metadata: { name: 'web-1', namespace: 'apps', creationTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        conditions: [
          { type: 'Available', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' },
          { type: 'Succeeded', status: 'True', lastTransitionTime: '2026-01-01T00:01:30Z' },
        ],
      },
    };
    m.recordRolloutTime({ metadata: { name: 'pending' }, status: { conditions: [] } });
    m.recordRolloutTime(set);
    const text = await m.registry.metrics();
    expect(text).toContain(
      'package_operator_object_set_rollout_time_seconds{name="web-1",namespace="apps"} 90',
    );
    expect(text).not.toContain('name="pending"');
    m.forgetRolloutTime(set);
    expect(await m.registry.metrics()).not.toContain('name="web-1"');
  });

  it('uses its own registry, not the global default one', async () => {
    const a = new RuntimeMetrics(createRegistry({ processMetrics: false }));
    const b = new RuntimeMetrics(createRegistry({ processMetrics: false }));
    a.reconcileTotal.inc({ controller: 'x', result: 'success' });
    expect(await a.registry.metrics()).toContain(
      'packsync_reconcile_total{controller="x",result="success"} 1',
    );
    expect(await b.registry.metrics()).not.toContain('controller="x"');
  });
});
