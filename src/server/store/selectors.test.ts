import { describe, expect, it } from 'vitest';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['app!=web', { app: 'web' }, false],
    ['app in (web, db)', { app: 'db' }, true],
    ['app notin (web,db)', { app: 'db' }, false],
    ['app notin (web,db)', {}, true],
    ['app', { app: '' }, true],
    ['!app', { app: 'x' }, false],
    ['app=web,tier in (fe),!legacy', { app: 'web', tier: 'fe' }, true],
    ['example.com/part-of=x', { 'example.com/part-of': 'x' }, true],
  ];
  it.each(cases)('%s on %j is %s', (sel, labels, want) => {
    expect(matchLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it('refuses malformed selectors', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(/unable to parse requirement/);
  });
});

describe('field selectors', () => {
  it('matches the known fields and refuses others with the apiserver message', () => {
    const obj = { metadata: { name: 'x', namespace: 'n' }, type: 'Opaque' };
    expect(
      matchFields(
        parseFieldSelector('metadata.name=x,metadata.namespace!=m', [
          'metadata.name',
          'metadata.namespace',
        ]),
        obj,
      ),
    ).toBe(true);
    expect(matchFields(parseFieldSelector('type==kubernetes.io/tls', ['type']), obj)).toBe(false);
    expect(() => parseFieldSelector('spec.x=1', ['metadata.name', 'metadata.namespace'])).toThrow(
      '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });
});
