/** The parts of Go's net/url that sprig's urlParse and urlJoin use. */
import { mapSet, newMap, type GoMap } from '../value.js';

export interface UrlParts {
  scheme: string;
  host: string;
  path: string;
  query: string;
  opaque: string;
  fragment: string;
  userinfo: string;
}

class UrlError extends Error {}

function unescape(s: string): string {
  const bad = /%(?![0-9a-fA-F]{2})/.exec(s);
  if (bad !== null)
    throw new UrlError(`invalid URL escape ${JSON.stringify(s.slice(bad.index, bad.index + 3))}`);
  return Buffer.from(
    s.replace(/%([0-9a-fA-F]{2})|[^%]+/g, (m, hex: string | undefined) =>
      hex === undefined
        ? Buffer.from(m).toString('latin1')
        : String.fromCharCode(parseInt(hex, 16)),
    ),
    'latin1',
  ).toString('utf8');
}

function shouldEscape(c: string, mode: 'path' | 'user' | 'fragment'): boolean {
  if (/[A-Za-z0-9\-_.~]/.test(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'user') return c === '@' || c === '/' || c === '?' || c === ':';
    return false;
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function escape(s: string, mode: 'path' | 'user' | 'fragment'): string {
  let out = '';
  for (const ch of s) {
    if (!shouldEscape(ch, mode)) out += ch;
    else
      for (const b of Buffer.from(ch, 'utf8'))
        out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** sprig's urlParse: url.Parse, then its parts as a map. */
export function goUrlParse(raw: string): GoMap {
  try {
    return parseUrl(raw);
  } catch (err) {
    if (err instanceof UrlError)
      throw new Error(`unable to parse url: parse ${JSON.stringify(raw)}: ${err.message}`, {
        cause: err,
      });
    throw err;
  }
}

function parseUrl(raw: string): GoMap {
  const fail = (msg: string): never => {
    throw new Error(`unable to parse url: parse ${JSON.stringify(raw)}: ${msg}`);
  };
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = unescape(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  const sm = /^([a-zA-Z][a-zA-Z0-9+\-.]*):/.exec(rest);
  if (sm !== null) {
    scheme = sm[1]!.toLowerCase();
    rest = rest.slice(sm[0].length);
  } else if (/^[^/?#]*:/.test(rest) && /^[0-9+\-.:]/.test(rest)) {
    if (rest.startsWith(':')) fail('missing protocol scheme');
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let opaque = '';
  let host = '';
  let userinfo = '';
  let path = '';
  if (!rest.startsWith('/') && scheme !== '') {
    opaque = rest;
  } else {
    if (scheme === '' && !rest.startsWith('/')) {
      const seg = rest.split('/')[0]!;
      if (seg.includes(':')) fail('first path segment in URL cannot contain colon');
    }
    if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      const auth = rest.slice(2).split('/')[0]!;
      rest = rest.slice(2 + auth.length);
      const at = auth.lastIndexOf('@');
      if (at >= 0) {
        userinfo = auth.slice(0, at);
        host = auth.slice(at + 1);
      } else host = auth;
    }
    path = unescape(rest);
    host = unescape(host);
  }
  let hostname = host;
  if (hostname.startsWith('[')) hostname = hostname.slice(1, hostname.indexOf(']'));
  else if (hostname.includes(':')) hostname = hostname.slice(0, hostname.lastIndexOf(':'));
  const m = newMap();
  const set = (k: string, v: string): void => mapSet(m, k, v);
  set('scheme', scheme);
  set('host', host);
  set('hostname', hostname);
  set('path', path);
  set('query', query);
  set('opaque', opaque);
  set('fragment', fragment);
  set('userinfo', userinfo === '' ? '' : userinfo);
  return m;
}

/** sprig's urlJoin: url.URL{...}.String(). */
export function goUrlJoin(u: UrlParts): string {
  let out = '';
  if (u.scheme !== '') out += u.scheme + ':';
  if (u.opaque !== '') out += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '' || u.userinfo !== '') {
      if (u.host !== '' || u.path !== '' || u.userinfo !== '') out += '//';
      if (u.userinfo !== '') {
        const [user = '', ...pw] = u.userinfo.split(':');
        out +=
          escape(user, 'user') + (pw.length > 0 ? ':' + escape(pw.join(':'), 'user') : '') + '@';
      }
      out += u.host;
    }
    const path = escape(u.path, 'path');
    if (path !== '' && !path.startsWith('/') && u.host !== '') out += '/';
    if (out === '' && (path.split('/')[0] ?? '').includes(':')) out += './';
    out += path;
  }
  if (u.query !== '') out += '?' + u.query;
  if (u.fragment !== '') out += '#' + escape(u.fragment, 'fragment');
  return out;
}
