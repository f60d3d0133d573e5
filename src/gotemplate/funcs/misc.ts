/** sprig's regex (Go RE2 via re2js), semver, URL and flow-control functions. */
import { RE2JS } from 're2js';
import { mapGet, newMap, typedSlice, goKind, type GoMap, type GoValue } from '../value.js';
import { defineFunc, type FuncMap } from './registry.js';
import { SemverVersion, semverCompare } from './semver.js';
import { goUrlJoin, goUrlParse } from './url.js';

const str = (v: GoValue | undefined): string => v as string;
const num = (v: GoValue | undefined): number => Number((v as { value: bigint }).value);

function compile(re: string, must: boolean): RE2JS {
  try {
    return RE2JS.compile(re);
  } catch (err) {
    const msg = (err as Error).message;
    // regexp.MustCompile panics with `regexp: Compile(<quoted>): <error>`.
    throw new Error(must ? msg : `regexp: Compile(\`${re}\`): ${msg}`, { cause: err });
  }
}

/** Go's allMatches: [start, end, ...groups] per match, no empty match right after a match. */
function allMatches(re: RE2JS, s: string, n: number): [number, number, (string | null)[]][] {
  const out: [number, number, (string | null)[]][] = [];
  const m = re.matcher(s);
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    if (!m.find(pos)) break;
    const a = m.start();
    const b = m.end();
    let accept = true;
    if (b === a) {
      if (a === prevEnd) accept = false;
      const cp = s.codePointAt(a);
      pos = a >= s.length ? s.length + 1 : a + (cp !== undefined && cp > 0xffff ? 2 : 1);
    } else pos = b;
    prevEnd = b;
    if (accept) {
      const groups: (string | null)[] = [];
      for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
      out.push([a, b, groups]);
    }
  }
  return out;
}

/** Go's Regexp.Expand of a `$1`/`${name}` template. */
function expand(
  template: string,
  groups: (string | null)[],
  names: Record<string, number>,
): string {
  let out = '';
  let t = template;
  for (;;) {
    const i = t.indexOf('$');
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const brace = t.startsWith('{');
    const m = /^[\p{L}\p{Nd}_]+/u.exec(brace ? t.slice(1) : t);
    if (m === null || (brace && t[1 + m[0].length] !== '}')) {
      out += '$';
      continue;
    }
    const name = m[0];
    t = t.slice(name.length + (brace ? 2 : 0));
    const idx = /^[0-9]+$/.test(name) ? Number(name) : names[name];
    if (idx !== undefined && idx < groups.length) out += groups[idx] ?? '';
  }
  return out + t;
}

function replaceAll(re: RE2JS, s: string, repl: (groups: (string | null)[]) => string): string {
  let out = '';
  let last = 0;
  for (const [a, b, groups] of allMatches(re, s, -1)) {
    out += s.slice(last, a) + repl(groups);
    last = b;
  }
  return out + s.slice(last);
}

/** Go's Regexp.Split. */
function split(re: RE2JS, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.toString() !== '' && s.length === 0) return [''];
  if (re.toString() === '' && s.length > 0) {
    const runes = [...s];
    if (n > 0 && runes.length > n) return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
    return runes;
  }
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [a, b] of allMatches(re, s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = a;
    if (b !== 0) out.push(s.slice(beg, end));
    beg = b;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

function regexFuncs(): FuncMap {
  const funcs: Record<string, FuncMap[string]> = {};
  const both = (
    name: string,
    params: string[],
    body: (re: RE2JS, args: GoValue[]) => GoValue,
    soft?: (args: GoValue[]) => GoValue,
  ): void => {
    funcs[name] = defineFunc(params, (args) => {
      if (soft !== undefined) {
        try {
          return body(RE2JS.compile(str(args[0])), args);
        } catch {
          return soft(args);
        }
      }
      return body(compile(str(args[0]), false), args);
    });
    const must = 'must' + name[0]!.toUpperCase() + name.slice(1);
    funcs[must] = defineFunc(params, (args) => body(compile(str(args[0]), true), args));
  };
  both(
    'regexMatch',
    ['string', 'string'],
    (re, [, s]) => re.matcher(str(s)).find(),
    () => false,
  );
  both('regexFindAll', ['string', 'string', 'int'], (re, [, s, n]) =>
    typedSlice(
      '[]string',
      allMatches(re, str(s), num(n)).map(([, , g]) => g[0] ?? ''),
    ),
  );
  both(
    'regexFind',
    ['string', 'string'],
    (re, [, s]) => allMatches(re, str(s), 1)[0]?.[2][0] ?? '',
  );
  both('regexReplaceAll', ['string', 'string', 'string'], (re, [, s, r]) =>
    replaceAll(re, str(s), (g) => expand(str(r), g, re.namedGroups())),
  );
  both('regexReplaceAllLiteral', ['string', 'string', 'string'], (re, [, s, r]) =>
    replaceAll(re, str(s), () => str(r)),
  );
  both('regexSplit', ['string', 'string', 'int'], (re, [, s, n]) =>
    typedSlice('[]string', split(re, str(s), num(n))),
  );
  funcs.regexQuoteMeta = defineFunc(['string'], ([s]) =>
    str(s).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'),
  );
  return funcs;
}

export function miscFuncs(): FuncMap {
  return {
    ...regexFuncs(),
    semver: defineFunc(['string'], ([v]) => SemverVersion.parse(str(v))),
    semverCompare: defineFunc(['string', 'string'], ([c, v]) => semverCompare(str(c), str(v))),
    fail: defineFunc(['string'], ([msg]) => {
      throw new Error(str(msg));
    }),
    urlParse: defineFunc(['string'], ([v]) => goUrlParse(str(v))),
    urlJoin: defineFunc(['map[string]interface {}'], ([d]) => {
      const m = (d ?? newMap()) as GoMap;
      const get = (k: string): string => {
        const v = mapGet(m, k);
        if (v === undefined) return '';
        if (typeof v !== 'string')
          throw new Error(
            `unable to parse ${k} key, must be of type string, but ${goKind(v)} found`,
          );
        return v;
      };
      return goUrlJoin({
        scheme: get('scheme'),
        host: get('host'),
        path: get('path'),
        query: get('query'),
        opaque: get('opaque'),
        fragment: get('fragment'),
        userinfo: get('userinfo'),
      });
    }),
  };
}
