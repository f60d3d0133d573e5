/**
 * Random JSON-like values (fast-check with a fixed seed, so the corpus is reproducible) rendered
 * with toYAML, toJson, toPrettyJson and Go's own printing: the quoting and number rules of each.
 */
import fc from 'fast-check';
import type { CorpusCase } from './types.js';

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        '1',
        ' ',
        '\n',
        '\t',
        '#',
        ':',
        '-',
        "'",
        '"',
        '\\',
        'é',
        '😀',
        '.',
        ',',
      ),
      maxLength: 16,
    }),
    fc.constantFrom(
      'y',
      'No',
      'off',
      '0777',
      '0x1F',
      '1e3',
      '1_000',
      '12:30',
      '2024-01-02',
      '~',
      '',
      '.5',
      'null',
    ),
    fc.string({ unit: fc.constantFrom('w', 'ord', ' '), minLength: 70, maxLength: 110 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.constantFrom(0.1, 1e6, 123456789, 1e21, 1e-7, 2.5, -3),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.string({ maxLength: 5 }),
        fc.constantFrom('on', '10', '9', 'a10', 'a2', 'B', '_x'),
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

export function randomCases(): CorpusCase[] {
  const values = fc.sample(jsonValue, { seed: 20261121, numRuns: 120 });
  const renderers = [
    '{{ toYAML . }}',
    '{{ toJson . }}',
    '{{ toPrettyJson . }}',
    '{{ . }}',
    '{{ toYAML . | fromYAML | toJson }}',
  ];
  return values.map((context, i) => ({
    id: `random/${i + 1}`,
    template: renderers[i % renderers.length]!,
    context,
  }));
}
