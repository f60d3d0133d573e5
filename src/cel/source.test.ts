import { describe, expect, it } from 'vitest';
import { positionAt, stripLeadingDots } from './source.js';

describe('stripLeadingDots', () => {
  it.each<[string, string]>([
    ['.config.a', ' config.a'],
    ['!.config.a', '! config.a'],
    ['x in .config', 'x in  config'],
    ['f(.a, [.b], {"k": .c})', 'f( a, [ b], {"k":  c})'],
    ['a.b.c', 'a.b.c'],
    ['"has .dots" + .x', '"has .dots" +  x'],
    ["r'.a' == .b", "r'.a' ==  b"],
    ['"""multi\n.line""" == .b', '"""multi\n.line""" ==  b'],
    ['1.5 == .b', '1.5 ==  b'],
    ['[1].size() == 1', '[1].size() == 1'],
    ['a // comment .x\n|| .y', 'a // comment .x\n||  y'],
    ['"esc \\" .q" == .z', '"esc \\" .q" ==  z'],
  ])('%j', (input, output) => {
    expect(stripLeadingDots(input)).toBe(output);
    expect(stripLeadingDots(input)).toHaveLength(input.length);
  });
});

describe('positionAt', () => {
  it('counts lines and 1-based columns', () => {
    expect(positionAt('ab\ncd', 4)).toEqual({ offset: 4, line: 2, column: 2 });
    expect(positionAt('ab', 0)).toEqual({ offset: 0, line: 1, column: 1 });
  });
});
