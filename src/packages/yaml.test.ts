import { describe, expect, it } from 'vitest';
import { joinYamlDocuments, parseYaml, splitYamlDocuments } from './yaml.js';

describe('splitYamlDocuments', () => {
  it.each([
    ['one document', 'a: 1\n', ['a: 1']],
    ['separator lines only exactly ---', 'a: 1\n---\nb: 2\n', ['a: 1\n', '\nb: 2']],
    ['leading empty document and separator trimmed', '\n---\na: 1\n', ['a: 1']],
    ['"--- #" is not a separator', 'a: 1\n--- # x\nb: 2', ['a: 1\n--- # x\nb: 2']],
    ['indented --- is not a separator', 'a: |\n  ---\nb: 2', ['a: |\n  ---\nb: 2']],
    ['empty middle document kept as an index', 'a: 1\n---\n---\nb: 2', ['a: 1\n', '\n', '\nb: 2']],
    ['cutset trim eats leading dashes of content', '-a\n', ['a']],
  ])('%s', (_name, input, want) => {
    expect(splitYamlDocuments(input)).toEqual(want);
  });
});

describe('joinYamlDocuments', () => {
  it('trims each document, joins with ---, ends with one newline', () => {
    expect(joinYamlDocuments(['\na: 1\n', '\nb: 2'])).toBe('a: 1\n---\nb: 2\n');
    expect(joinYamlDocuments([])).toBe('');
  });
});

describe('parseYaml', () => {
  it('keeps the last value of a repeated key (sigs.k8s.io/yaml behaviour)', () => {
    expect(
      parseYaml('metadata:\n  annotations:\n    a: first\n  annotations:\n    b: second\n'),
    ).toEqual({
      metadata: { annotations: { b: 'second' } },
    });
  });

  it('reads YAML 1.1 scalars like Go (y, yes, on are booleans; 0755 is octal)', () => {
    expect(parseYaml('a: yes\nb: 0755\nc: "0755"\nd: y\n')).toEqual({
      a: true,
      b: 493,
      c: '0755',
      d: true,
    });
  });

  it('gives null for empty and comment-only documents', () => {
    expect(parseYaml('')).toBeNull();
    expect(parseYaml('# nothing\n')).toBeNull();
  });

  it('throws on invalid YAML', () => {
    expect(() => parseYaml('a: [1')).toThrow();
  });

  it('names the line of a syntax error, as Go does ("line N: ...")', () => {
    expect(() => parseYaml('a: 1\nb: 2\nc: {d: [}\n')).toThrow(/^line 3: /);
  });
});
