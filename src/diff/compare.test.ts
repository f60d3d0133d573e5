import { describe, expect, it } from 'vitest';
import { compareStates } from './compare.js';
import type { DesiredObject, DesiredPackage, ExpandedState } from './desired.js';
import { formatMarkdown } from './format.js';
import { idOf } from './objects.js';

function pkg(id: string, extra: Partial<DesiredPackage> = {}): DesiredPackage {
  return {
    id,
    kind: id === 'repository' ? 'Repository' : 'Package',
    name: id,
    namespace: 'apps',
    topPhase: id === 'repository' ? '' : 'packages',
    phases: ['config', 'deploy'],
    probes: [],
    errors: [],
    ...(id === 'repository' ? {} : { parent: 'repository' }),
    ...extra,
  };
}

function obj(
  pkgId: string,
  phase: string,
  name: string,
  data: Record<string, string>,
): DesiredObject {
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'apps' },
    data,
  };
  return {
    package: pkgId,
    topPhase: pkgId === 'repository' ? phase : 'packages',
    phase,
    object,
    id: idOf(object),
  };
}

const labels = { before: 'main', after: 'pr' };

describe('compareStates', () => {
  it('reports probe changes and phase moves, and calls probes out in the markdown', () => {
    const probe = (status: string) => [
      {
        selector: { kind: { group: 'apps', kind: 'Deployment' } },
        probes: [{ condition: { type: 'Available', status } }],
      },
    ];
    const base: ExpandedState = {
      packages: [pkg('repository'), pkg('Package apps/web', { probes: probe('True') })],
      objects: [obj('Package apps/web', 'config', 'a', { x: '1' })],
    };
    const head: ExpandedState = {
      packages: [pkg('repository'), pkg('Package apps/web', { probes: probe('False') })],
      objects: [obj('Package apps/web', 'deploy', 'a', { x: '1' })],
    };
    const r = compareStates(base, head, labels);
    expect(r.packages.find((p) => p.id === 'Package apps/web')).toMatchObject({ action: 'change' });
    expect(r.packages.find((p) => p.id === 'Package apps/web')?.probeDiff).toContain(
      '-        status: "True"\n+        status: "False"',
    );
    expect(r.objects[0]).toMatchObject({
      action: 'change',
      note: 'moved from phase config to phase deploy',
    });
    const md = formatMarkdown(r);
    expect(md).toContain('#### 🔎 Availability probes changed in `Package apps/web`');
    expect(md).toContain('<details><summary>probes of <code>Package apps/web</code></summary>');
  });

  it('never reports objects of a package the head could not render (or its children) as deleted', () => {
    const base: ExpandedState = {
      packages: [
        pkg('repository'),
        pkg('Package apps/web'),
        pkg('Package apps/child', { parent: 'Package apps/web' }),
      ],
      objects: [
        obj('repository', 'default', 'top', { a: '1' }),
        obj('Package apps/web', 'config', 'w', { a: '1' }),
        obj('Package apps/child', 'config', 'c', { a: '1' }),
      ],
    };
    const head: ExpandedState = {
      packages: [pkg('repository'), pkg('Package apps/web', { errors: ['pulling x: not found'] })],
      objects: [],
    };
    const r = compareStates(base, head, labels);
    expect(r.objects.map((o) => `${o.action} ${o.id.name}`)).toEqual(['delete top']);
    expect(r.counts).toMatchObject({ delete: 1, errors: 1 });
    expect(r.packages.map((p) => p.id)).toEqual(['repository', 'Package apps/web']);
  });
});
