import { describe, expect, it } from 'vitest';
import { formatFloat, formatValue, sprint, sprintf, sprintln } from './fmt.js';
import { defineFunc, type FuncMap } from './funcs/registry.js';
import { parseTemplates } from './template.js';
import { GoStruct, goInt, newMap, typedSlice, type GoValue } from './value.js';

/** Minimal `list`/`dict` so printf cases can build slices and maps without the sprig library. */
const testFuncs: FuncMap = {
  list: defineFunc([], (args) => [...args], 'interface {}'),
  dict: defineFunc(
    [],
    (args) => {
      const m = newMap();
      for (let i = 0; i + 1 < args.length; i += 2) m[args[i] as string] = args[i + 1];
      return m;
    },
    'interface {}',
  ),
};

function render(template: string): string {
  const ctx = { nil: null, m: { b: [1, { x: null }], a: 's' } };
  return parseTemplates({ t: template }, { funcs: testFuncs }).execute('t', ctx);
}

// Expected outputs recorded from Go 1.19 (../shared/tools/gotemplate-oracle).
const printfCases: [string, string][] = [
  ['{{ printf "%d" 42 }}', '42'],
  ['{{ printf "%5.2f" 3.14159 }}', ' 3.14'],
  ['{{ printf "%-5s|" "ab" }}', 'ab   |'],
  ['{{ printf "%05d" -42 }}', '-0042'],
  ['{{ printf "%q" "a\\"b\\n" }}', '"a\\"b\\n"'],
  ['{{ printf "%x" "hi" }}', '6869'],
  ['{{ printf "%X" 255 }}', 'FF'],
  ['{{ printf "%e" 123456.789 }}', '1.234568e+05'],
  ['{{ printf "%g" 1e21 }}', '1e+21'],
  ['{{ printf "%v" 1e6 }}', '1e+06'],
  ['{{ printf "%v" 123456.7 }}', '123456.7'],
  ['{{ printf "%t" true }}', 'true'],
  ['{{ printf "%c" 65 }}', 'A'],
  ['{{ printf "%d" 3.0 }}', '%!d(float64=3)'],
  ['{{ printf "%!"  }}', '%!!(MISSING)'],
  ['{{ printf "%d %d" 1 }}', '1 %!d(MISSING)'],
  ['{{ printf "%d" 1 "x" nil }}', '1%!(EXTRA string=x, <nil>)'],
  ['{{ printf "%.0f" 2.5 }}', '2'],
  ['{{ printf "%.0f" 3.5 }}', '4'],
  ['{{ printf "%.1f" 0.05 }}', '0.1'],
  ['{{ printf "%.2f" 1.005 }}', '1.00'],
  ['{{ printf "%v" (list 1 "a" nil (dict "b" 1 "a" (list 2))) }}', '[1 a <nil> map[a:[2] b:1]]'],
  ['{{ printf "%s" (list 1 "a") }}', '[%!s(int=1) a]'],
  ['{{ printf "%6.2v" 3.14159 }}', '   3.1'],
  ['{{ printf "%+d" 5 }}', '+5'],
  ['{{ printf "%x" -255.5 }}', '-0x1.ffp+07'],
  ['{{ printf "%T" (list 1) }}', '[]interface {}'],
  ['{{ printf "%v" 0.00001 }}', '1e-05'],
  ['{{ printf "%v" -0.0 }}', '-0'],
  ['{{ printf "%#v" "x" }}', '"x"'],
  ['{{ printf "%[2]d %[1]d" 1 2 }}', '2 1'],
  ['{{ printf "%U" 128512 }}', 'U+1F600'],
  ['{{ printf "%q" 128512 }}', "'😀'"],
  ['{{ printf "%08.3f" -3.14159 }}', '-003.142'],
  ['{{ printf "%.3s" "h\u00e9llo" }}', 'hél'],
  ['{{ printf "%10.4g|" 123456789.0 }}', ' 1.235e+08|'],
  ['{{ printf "%g" 100000.0 }}', '100000'],
  ['{{ printf "%g" 1e-5 }}', '1e-05'],
  ['{{ printf "%.3g" 1234.5 }}', '1.23e+03'],
  ['{{ printf "%e" 0.0 }}', '0.000000e+00'],
  ['{{ printf "%*d" 5 42 }}', '   42'],
  ['{{ printf "%-*d|" 5 42 }}', '42   |'],
  ['{{ printf "%.*f" 2 3.14159 }}', '3.14'],
  ['{{ printf "%[3]*.[2]*[1]f" 12.0 2 6 }}', ' 12.00'],
  ['{{ printf "%d" (list 1 2) }}', '[1 2]'],
  ['{{ printf "%s" true }}', '%!s(bool=true)'],
  ['{{ printf "%5t|" false }}', 'false|'],
  ['{{ printf "%x" (list 10 11) }}', '[a b]'],
  ['{{ printf "% x" "abc" }}', '61 62 63'],
  ['{{ printf "%#x" "abc" }}', '0x616263'],
  ['{{ printf "%+q" "h\u00e9llo" }}', '"h\\u00e9llo"'],
  ['{{ printf "%#q" "back`tick" }}', '"back`tick"'],
  ['{{ printf "%#q" "plain" }}', '`plain`'],
  ['{{ printf "%o" 8 }}', '10'],
  ['{{ printf "%O" 8 }}', '0o10'],
  ['{{ printf "%b" 5 }}', '101'],
  ['{{ printf "%08.3e" 1234.5678 }}', '1.235e+03'],
  ['{{ printf "%+.2e" -0.000123 }}', '-1.23e-04'],
  ['{{ printf "%G" 1e-10 }}', '1E-10'],
  ['{{ printf "%E" 1e100 }}', '1.000000E+100'],
  ['{{ printf "%v" 1e-320 }}', '1e-320'],
  ['{{ printf "%.20f" 0.1 }}', '0.10000000000000000555'],
  ['{{ printf "%.30g" 0.1 }}', '0.100000000000000005551115123126'],
  ['{{ printf "%5.1q" "abc" }}', '  "a"'],
  ['{{ printf "%v %v" (dict) (list) }}', 'map[] []'],
  ['{{ printf "%d%%" 50 }}', '50%'],
  ['{{ printf "%.3d" 7 }}', '007'],
  ['{{ printf "% d" 7 }}', ' 7'],
  ['{{ printf "%+.3v" 3.14159 }}', '3.14'],
  ['{{ printf "%#v" (list 1 "a") }}', '[]interface {}{1, "a"}'],
  ['{{ printf "%#v" (dict "a" 1) }}', 'map[string]interface {}{"a":1}'],
  ['{{ printf "%10v|" (list 1 2) }}', '[         1          2]|'],
  ['{{ printf "%z" 1 }}', '%!z(int=1)'],
  ['{{ printf "%s" .nil }}', '%!s(<nil>)'],
  ['{{ printf "%d" nil }}', '%!d(<nil>)'],
  ['{{ printf "%v" (.m) }}', 'map[a:s b:[1 map[x:<nil>]]]'],
  ['{{ printf "%p" 1 }}', '%!p(int=1)'],
  ['{{ printf "%c" "x" }}', '%!c(string=x)'],
  ['{{ printf "%3c|" 97 }}', '  a|'],
  ['{{ printf "%-8q|" "a" }}', '"a"     |'],
  ['{{ printf "%x" 3.0 }}', '0x1.8p+01'],
  ['{{ printf "%.3x" 1.0 }}', '0x1.000p+00'],
];

describe('printf matches Go fmt', () => {
  it.each(printfCases)('%s', (template, want) => {
    expect(render(template)).toBe(want);
  });
});

describe('float formatting (strconv)', () => {
  it.each([
    [1e6, 'g', -1, '1e+06'],
    [999999, 'g', -1, '999999'],
    [1234567, 'g', -1, '1.234567e+06'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [1e21, 'f', -1, '1000000000000000000000'],
    [2.5, 'f', 0, '2'],
    [3.5, 'f', 0, '4'],
    [0.125, 'f', 2, '0.12'],
    [123.456, 'e', 2, '1.23e+02'],
    [5e-324, 'g', -1, '5e-324'],
    [1.7976931348623157e308, 'g', -1, '1.7976931348623157e+308'],
    [-0, 'g', -1, '-0'],
    [NaN, 'g', -1, 'NaN'],
    [-Infinity, 'f', 2, '-Inf'],
    [1.5, 'x', -1, '0x1.8p+00'],
    [2.5, 'b', -1, '5629499534213120p-51'],
    [5e-324, 'b', -1, '1p-1074'],
  ] as const)('%s %s %s', (x, f, prec, want) => {
    expect(formatFloat(x, f, prec)).toBe(want);
  });
});

describe('printing values like fmt %v', () => {
  const m = newMap();
  m['b'] = 2;
  m['a'] = [1, 'x', null];
  m['é'] = true;
  m['z'] = newMap();
  it.each<[GoValue, string]>([
    [null, '<nil>'],
    [m, 'map[a:[1 x <nil>] b:2 z:map[] é:true]'],
    [typedSlice('[]string', ['a', 'b']), '[a b]'],
    [new Uint8Array([104, 105]), '[104 105]'],
    [goInt(-7, 'int64'), '-7'],
    [goInt(300, 'uint8'), '44'],
    [123456789012, '1.23456789012e+11'],
  ])('%#', (v, want) => {
    expect(formatValue(v)).toBe(want);
  });

  it('prints a struct with a String method through it, other verbs field by field', () => {
    class Version extends GoStruct {
      readonly goType = '*semver.Version';
      goString(): string {
        return '1.2.3';
      }
      override goFields(): GoValue[] {
        return [goInt(1, 'uint64'), goInt(2, 'uint64'), goInt(3, 'uint64'), '', '', '1.2.3'];
      }
    }
    const v = new Version();
    expect(sprintf('%v %s %d', [v, v, v])).toBe(
      '1.2.3 1.2.3 &{1 2 3 %!d(string=) %!d(string=) %!d(string=1.2.3)}',
    );
    expect(formatValue([v])).toBe('[1.2.3]');
  });

  it('puts spaces only between operands that are not strings (Sprint)', () => {
    expect(sprint(['a', goInt(1), goInt(2), 'b', 3.5, null])).toBe('a1 2b3.5 <nil>');
    expect(sprintln(['a', goInt(1)])).toBe('a 1\n');
  });
});
