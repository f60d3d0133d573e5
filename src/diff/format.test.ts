import { describe, expect, it } from 'vitest';
import { formatMarkdown, formatText } from './format.js';
import { countsOf, objectDiff, type ObjectReport, type Report } from './report.js';
import { maskSecrets } from './objects.js';

function cm(name: string, value: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'apps' },
    data: { v: value },
  };
}

function changedObject(name: string, before: string, after: string): ObjectReport {
  return {
    action: 'change',
    id: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name },
    package: 'repository',
    topPhase: 'default',
    phase: 'default',
    changes: [{ path: 'data.v', old: before, new: after }],
    diff: objectDiff(cm(name, before), cm(name, after), { before: 'main', after: 'pr' }),
  };
}

function report(objects: ObjectReport[]): Report {
  return {
    command: 'preview',
    before: 'main',
    after: 'pr',
    counts: countsOf(objects, []),
    packages: [],
    objects,
    errors: [],
  };
}

describe('formatMarkdown', () => {
  it('uses a fence longer than any backtick run in the diff', () => {
    const md = formatMarkdown(report([changedObject('docs', 'see ```code```', 'see ````x````')]));
    expect(md).toContain('`````diff\n');
    expect(md).toMatch(/\n`````\n\n<\/details>/);
  });

  it('keeps whole sections within the byte budget and says how many were left out', () => {
    const objects = Array.from({ length: 40 }, (_, i) =>
      changedObject(`cm-${i}`, 'a'.repeat(200), 'b'.repeat(200)),
    );
    const md = formatMarkdown(report(objects), { maxBytes: 4096 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(4096);
    const shown = md.match(/<\/details>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(md.match(/<details>/g)?.length).toBe(shown);
    expect(md).toContain(`_${40 - shown} of 40 sections left out to stay within 4096 bytes`);
  });

  it('escapes HTML in summaries', () => {
    const o = changedObject('x', 'a', 'b');
    o.note = 'moved <b>here</b>';
    expect(formatMarkdown(report([o]))).toContain('_moved &lt;b&gt;here&lt;/b&gt;_');
  });
});

describe('formatText', () => {
  it('says "no changes" when nothing changes and colors only when asked', () => {
    const unchanged: ObjectReport = {
      ...changedObject('x', 'a', 'a'),
      action: 'unchanged',
      changes: [],
      diff: '',
    };
    expect(formatText(report([unchanged]))).toBe('no changes (1 unchanged)\nmain -> pr\n');
    const text = formatText(report([changedObject('x', 'a', 'b')]), { color: true });
    expect(text).toContain('\u001b[31m-  v: a\u001b[0m');
    expect(formatText(report([changedObject('x', 'a', 'b')]))).not.toContain('\u001b[');
  });
});

describe('maskSecrets', () => {
  it('hashes data and stringData so equal values hash equally', () => {
    const s = maskSecrets({
      apiVersion: 'v1',
      kind: 'Secret',
      data: { a: Buffer.from('pw').toString('base64') },
      stringData: { b: 'pw' },
    }) as { data: { a: string }; stringData: { b: string } };
    expect(s.data.a).toMatch(/^<hash [0-9a-f]{12}…>$/);
    expect(s.data.a).toBe(s.stringData.b);
    expect(maskSecrets(cm('x', 'pw'))).toEqual(cm('x', 'pw'));
  });
});
