import { describe, expect, it } from 'vitest';
import { formatHistory } from './commands/rollout.js';
import { goJsonIndent, goObjectOrder, goYaml, ptermTable } from './go-output.js';

describe('ptermTable', () => {
  it('pads every column (the last one too) and ends with a blank line, as PrintTable does', () => {
    expect(ptermTable(['REVISION', 'SUCCESSFUL', 'CHANGE-CAUSE'], [['1', 'false', '']])).toBe(
      'REVISION  SUCCESSFUL  CHANGE-CAUSE\n1         false                   \n\n',
    );
    expect(ptermTable(['A', 'B'], [['wide cell', 'ü']])).toBe('A          B\nwide cell  ü\n\n');
  });
});

describe('Go marshalling', () => {
  it('orders object keys like the typed structs and escapes HTML characters like encoding/json', () => {
    const obj = goObjectOrder({
      status: { conditions: [{ message: 'm', type: 'Succeeded', status: 'True' }] },
      spec: {},
      metadata: { labels: { a: 'b' }, name: 'x', namespace: 'ns' },
      apiVersion: 'v1',
      kind: 'K',
    });
    expect(goJsonIndent(obj)).toBe(
      [
        '{',
        '    "kind": "K",',
        '    "apiVersion": "v1",',
        '    "metadata": {',
        '        "name": "x",',
        '        "namespace": "ns",',
        '        "labels": {',
        '            "a": "b"',
        '        }',
        '    },',
        '    "spec": {},',
        '    "status": {',
        '        "conditions": [',
        '            {',
        '                "type": "Succeeded",',
        '                "status": "True",',
        '                "message": "m"',
        '            }',
        '        ]',
        '    }',
        '}',
      ].join('\n'),
    );
    expect(goJsonIndent({ a: '<b> & c' })).toContain('"\\u003cb\\u003e \\u0026 c"');
  });

  it('writes YAML with sorted keys, flush sequences and quoted ambiguous strings', () => {
    expect(goYaml({ spec: { b: ['x'], a: '2024-01-01T00:00:00Z' }, metadata: { rv: '999' } })).toBe(
      'metadata:\n  rv: "999"\nspec:\n  a: "2024-01-01T00:00:00Z"\n  b:\n  - x\n',
    );
  });
});

describe('formatHistory', () => {
  const os = (name: string, revision: number, succeeded: boolean) => ({
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ClusterObjectSet',
    metadata: { name, annotations: { 'kubernetes.io/change-cause': `cause ${revision}` } },
    spec: {},
    status: {
      revision,
      conditions: succeeded ? [{ type: 'Succeeded', status: 'True' }] : [],
    },
  });

  it('sorts by revision and reads Succeeded and the change cause', () => {
    expect(formatHistory([os('b', 2, false), os('a', 1, true)], '', undefined)).toBe(
      'REVISION  SUCCESSFUL  CHANGE-CAUSE\n1         true        cause 1     \n2         false       cause 2     \n\n',
    );
  });
  it('prints an empty history as the header alone and an empty list as []', () => {
    expect(formatHistory([], '', undefined)).toBe('REVISION  SUCCESSFUL  CHANGE-CAUSE\n\n');
    expect(formatHistory([], 'json', undefined)).toBe('[]\n');
  });
  it('finds one revision or names the ones there are', () => {
    expect(formatHistory([os('a', 1, true), os('b', 2, false)], 'yaml', 2)).toContain('name: b\n');
    expect(() => formatHistory([os('a', 1, true)], '', 3)).toThrow(
      'revision not found: 3 (revisions: 1)',
    );
  });
});
