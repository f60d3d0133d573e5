import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromJSON, parseTemplates } from '../index.js';
import { deepEqual } from './data.js';
import { objectTemplateFuncs, pkoFuncs, sprigFuncs, type FuncMap } from './index.js';
import { marshalYAML } from './yaml-emit.js';
import { parseYAML } from './yaml-parse.js';

function render(src: string, funcs: FuncMap, data: unknown = {}): string {
  return parseTemplates({ t: src }, { funcs }).execute('t', fromJSON(data));
}

// Package Operator's allow-list (pko-semantics §2), minus `shuffle` (random).
const allowed =
  `abbrev abbrevboth trunc trim upper lower title untitle substr repeat trimAll trimSuffix
  trimPrefix nospace initials swapcase snakecase camelcase kebabcase wrap wrapWith contains hasPrefix
  hasSuffix quote squote cat indent nindent replace plural sha1sum sha256sum adler32sum toString atoi
  int64 int float64 seq toDecimal split splitList splitn toStrings until untilStep add1 add sub div
  mod mul add1f addf subf divf mulf biggest max min maxf minf ceil floor round join sortAlpha default
  empty coalesce all any compact mustCompact fromJson toJson toPrettyJson toRawJson mustFromJson
  mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy typeOf typeIs typeIsLike
  kindOf kindIs deepEqual base dir clean ext isAbs b64enc b64dec b32enc b32dec tuple list dict get set
  unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge mustMergeOverwrite values append
  mustAppend push mustPush prepend mustPrepend first mustFirst rest mustRest last mustLast initial
  mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice mustSlice concat
  dig chunk mustChunk semver semverCompare fail regexMatch mustRegexMatch regexFindAll
  mustRegexFindAll regexFind mustRegexFind regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral
  mustRegexReplaceAllLiteral regexSplit mustRegexSplit regexQuoteMeta urlParse urlJoin hello`.split(
    /\s+/,
  );

describe('function sets', () => {
  it('sprigFuncs is exactly the allow-list', () => {
    expect(Object.keys(sprigFuncs()).sort()).toEqual([...allowed].sort());
  });

  it('package templates add include, YAML, files and (when injected) cel', () => {
    const names = Object.keys(pkoFuncs());
    for (const f of ['include', 'toYAML', 'fromYAML', 'b64decMap', 'getFile', 'getFileGlob'])
      expect(names).toContain(f);
    expect(names).not.toContain('cel');
    expect(Object.keys(pkoFuncs({ cel: () => true }))).toContain('cel');
  });

  it('ObjectTemplates get no getFile, getFileGlob or cel', () => {
    const names = Object.keys(objectTemplateFuncs());
    expect(names).toContain('include');
    expect(names).toContain('toYAML');
    for (const f of ['getFile', 'getFileGlob', 'cel']) expect(names).not.toContain(f);
    expect(() => render('{{ getFile "x" }}', objectTemplateFuncs())).toThrow(
      'function "getFile" not defined',
    );
  });

  it('leaves out env, random, date, network and crypto functions', () => {
    for (const f of [
      'env',
      'expandenv',
      'now',
      'date',
      'randAlpha',
      'uuidv4',
      'getHostByName',
      'genCA',
    ])
      expect(() => render(`{{ ${f} }}`, pkoFuncs())).toThrow(`function "${f}" not defined`);
  });
});

describe('Package Operator functions', () => {
  it('cel calls the injected hook with the expression', () => {
    const seen: string[] = [];
    const funcs = pkoFuncs({
      cel: (expr) => {
        seen.push(expr);
        return expr === 'true';
      },
    });
    expect(render('{{ if cel "true" }}a{{ end }}{{ if cel "false" }}b{{ end }}', funcs)).toBe('a');
    expect(seen).toEqual(['true', 'false']);
  });

  it('a failing cel hook is an exec error of the cel call', () => {
    const funcs = pkoFuncs({
      cel: () => {
        throw new Error('no such key: x');
      },
    });
    expect(() => render('{{ cel ".x" }}', funcs)).toThrow('error calling cel: no such key: x');
  });

  it('getFileGlob uses gobwas/glob patterns with / as separator, like PKO', () => {
    const files = { 'a.txt': 'A', 'd/b.txt': 'B', 'd/e/c.txt': 'C', 'd/x.yaml': 'X' };
    const funcs = pkoFuncs({ files });
    expect(render('{{ getFileGlob "*.txt" | toJson }}', funcs)).toBe('{"a.txt":"A"}');
    expect(render('{{ getFileGlob "d/*.txt" | toJson }}', funcs)).toBe('{"d/b.txt":"B"}');
    // `**` is "any characters", so `**/` needs a slash: a.txt is not matched.
    expect(render('{{ range $p, $c := getFileGlob "**/*.txt" }}{{ $p }} {{ end }}', funcs)).toBe(
      'd/b.txt d/e/c.txt ',
    );
    expect(render('{{ getFileGlob "d/{b,x}.*" | len }}', funcs)).toBe('2');
  });

  it.each([
    ['*.txt', 'a.txt', true],
    ['*.txt', 'd/b.txt', false],
    ['**.txt', 'd/e/c.txt', true],
    ['d/**.txt', 'd/e/c.txt', true],
    ['d/**/c.txt', 'd/e/c.txt', true],
    ['?.txt', 'a.txt', true],
    ['?.txt', '/.txt', false],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'c.txt', true],
    ['[!ab].txt', 'a.txt', false],
    ['[a-c]x', 'bx', true],
    ['{a,b/{c,d}}.yaml', 'b/d.yaml', true],
    ['{a,b/{c,d}}.yaml', 'b/e.yaml', false],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['!a', '!a', true],
    ['.hidden/*', '.hidden/x', true],
  ])('glob %s on %s: %s (gobwas/glob semantics)', (pattern, path, want) => {
    const funcs = pkoFuncs({ files: { [path]: 'x' } });
    expect(render(`{{ getFileGlob ${JSON.stringify(pattern)} | len }}`, funcs)).toBe(
      want ? '1' : '0',
    );
  });

  it('an unclosed [ or { in a glob is an error', () => {
    for (const p of ['[ab', '{a,b'])
      expect(() => render(`{{ getFileGlob "${p}" }}`, pkoFuncs())).toThrow(
        'syntax error in pattern',
      );
  });

  it('getFile reads a live file map', () => {
    const files: Record<string, string> = {};
    const set = parseTemplates(
      { t: '{{ getFile "f" }}' },
      { funcs: pkoFuncs({ files: () => files }) },
    );
    expect(() => set.execute('t', null)).toThrow('error calling getFile: file not found');
    files.f = 'now here';
    expect(set.execute('t', null)).toBe('now here');
  });

  it('include renders a named template with its own dot, nested includes included', () => {
    const src =
      '{{ define "x" }}[{{ . }}{{ if lt (len .) 3 }}{{ include "x" (print . "+") }}{{ end }}]{{ end }}' +
      '{{ include "x" "a" | upper }}';
    expect(render(src, pkoFuncs())).toBe('[A[A+[A++]]]');
  });
});

/** JSON-like values: what a package config or a context holds. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    // Without C1 controls, DEL and U+FFFE/F: Go's toYAML folds NEL and rejects the others.
    fc
      .string({ unit: 'binary', maxLength: 12 })
      .filter((s) => !/[\u007f-\u009f\ufffe\uffff]/.test(s)),
    fc.string({
      unit: fc.constantFrom(
        'a',
        'b',
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
        '\r',
      ),
      maxLength: 24,
    }),
    fc.string({ unit: fc.constantFrom('w', 'ord', ' '), minLength: 60, maxLength: 120 }),
    fc.constantFrom(
      'y',
      'no',
      'On',
      '0777',
      '1_0',
      '12:30',
      '2024-01-02',
      '~',
      '',
      ' x',
      'a: b',
      '- a',
      '#',
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

function normalise(v: unknown): unknown {
  // JSON drops -0's sign in YAML (printed as 0); everything else must come back as it was.
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? 0 : x))) as unknown;
}

describe('toYAML / fromYAML', () => {
  it('fromYAML reads back what toYAML writes (quoting keeps strings strings)', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const data = fromJSON(normalise(v));
        const back = parseYAML(marshalYAML(data));
        expect(deepEqual(back, data), marshalYAML(data)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
