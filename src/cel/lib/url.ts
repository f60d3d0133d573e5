/**
 * The Kubernetes CEL URL library: `url()`, `isURL()` and the `kubernetes.URL` getters, with Go
 * `url.ParseRequestURI` rules (an absolute URL or an absolute path; no fragment handling).
 */
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './engine.js';

const schemePattern = /^[A-Za-z][A-Za-z0-9+.-]*$/;

export class KubeURL {
  readonly scheme: string;
  readonly host: string;
  readonly rawPath: string;
  readonly rawQuery: string;

  constructor(scheme: string, host: string, rawPath: string, rawQuery: string) {
    this.scheme = scheme;
    this.host = host;
    this.rawPath = rawPath;
    this.rawQuery = rawQuery;
  }

  static parse(s: string): KubeURL | undefined {
    if (s === '' || hasControlByte(s)) return undefined;
    let rest = s;
    let rawQuery = '';
    const q = rest.indexOf('?');
    if (q >= 0) {
      rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
    let scheme = '';
    if (!rest.startsWith('/')) {
      const colon = rest.indexOf(':');
      if (colon <= 0) return undefined;
      scheme = rest.slice(0, colon);
      if (!schemePattern.test(scheme)) return undefined;
      rest = rest.slice(colon + 1);
      if (!rest.startsWith('/')) return undefined;
    }
    let host = '';
    if (scheme !== '' && rest.startsWith('//')) {
      const auth = rest.slice(2);
      const slash = auth.indexOf('/');
      const authority = slash < 0 ? auth : auth.slice(0, slash);
      rest = slash < 0 ? '' : auth.slice(slash);
      const at = authority.lastIndexOf('@');
      host = at < 0 ? authority : authority.slice(at + 1);
      if (!validHost(host)) return undefined;
    }
    if (!validEscapes(rest) || !validEscapes(rawQuery)) return undefined;
    return new KubeURL(scheme.toLowerCase(), host, rest, rawQuery);
  }

  hostname(): string {
    if (this.host.startsWith('[')) {
      const end = this.host.indexOf(']');
      return this.host.slice(1, end);
    }
    const colon = this.host.lastIndexOf(':');
    return colon < 0 ? this.host : this.host.slice(0, colon);
  }

  port(): string {
    const start = this.host.startsWith('[') ? this.host.indexOf(']') + 1 : 0;
    const colon = this.host.indexOf(':', start);
    return colon < 0 ? '' : this.host.slice(colon + 1);
  }

  escapedPath(): string {
    return this.rawPath.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g, (c) => encodeURIComponent(c));
  }

  query(): Record<string, string[]> {
    const out = Object.create(null) as Record<string, string[]>;
    for (const pair of this.rawQuery.split('&')) {
      if (pair === '' || pair.includes(';')) continue;
      const eq = pair.indexOf('=');
      const key = unescapeQuery(eq < 0 ? pair : pair.slice(0, eq));
      const value = unescapeQuery(eq < 0 ? '' : pair.slice(eq + 1));
      if (key === undefined || value === undefined) continue;
      (out[key] ??= []).push(value);
    }
    return out;
  }
}

function hasControlByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function validHost(host: string): boolean {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return false;
    const after = host.slice(end + 1);
    return after === '' || /^:\d*$/.test(after);
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) return false;
  return !/[\s<>"{}|\\^`[\]]/.test(host);
}

function validEscapes(s: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(s);
}

function unescapeQuery(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

function parseOrThrow(s: string): KubeURL {
  const u = KubeURL.parse(s);
  if (!u) throw celError(`URL parse error during conversion from string: ${s}`);
  return u;
}

const U = 'kubernetes.URL';

export function registerUrl(env: Environment): void {
  env.registerType(U, { ctor: KubeURL, fields: {} });
  env.registerFunction(`url(string): ${U}`, parseOrThrow);
  env.registerFunction('isURL(string): bool', (s: string) => KubeURL.parse(s) !== undefined);
  env.registerFunction(`${U}.getScheme(): string`, (u: KubeURL) => u.scheme);
  env.registerFunction(`${U}.getHost(): string`, (u: KubeURL) => u.host);
  env.registerFunction(`${U}.getHostname(): string`, (u: KubeURL) => u.hostname());
  env.registerFunction(`${U}.getPort(): string`, (u: KubeURL) => u.port());
  env.registerFunction(`${U}.getEscapedPath(): string`, (u: KubeURL) => u.escapedPath());
  env.registerFunction(`${U}.getQuery(): map<string, list<string>>`, (u: KubeURL) => u.query());
}
