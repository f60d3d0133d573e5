/** `WWW-Authenticate` challenges (RFC 7235 syntax as registries send it) and token scopes. Pure. */

export interface Challenge {
  /** Lowercase scheme: `bearer`, `basic`, ... */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header value into its challenges:
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a:pull"`.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipWs = (): void => {
    while (i < s.length && /[\s,]/.test(s[i] ?? '')) i += 1;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i] ?? '')) i += 1;
    return s.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    skipWs();
    const start = i;
    const name = token();
    if (name === '') {
      i += 1;
      continue;
    }
    while (i < s.length && s[i] === ' ') i += 1;
    if (s[i] === '=') {
      i += 1;
      while (i < s.length && s[i] === ' ') i += 1;
      let value = '';
      if (s[i] === '"') {
        i += 1;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i += 1;
          value += s[i];
          i += 1;
        }
        i += 1;
      } else {
        const vs = i;
        while (i < s.length && s[i] !== ',' && s[i] !== ' ') i += 1;
        value = s.slice(vs, i);
      }
      if (current) current.params[name.toLowerCase()] = value;
      else out.push((current = { scheme: '', params: { [name.toLowerCase()]: value } }));
    } else {
      // A new scheme, unless it is a token68 (e.g. `Basic abc==`) which we do not need.
      if (start > 0 && current && !/[\s,]/.test(s[start - 1] ?? '')) continue;
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out.filter((c) => c.scheme !== '');
}

export type Action = 'pull' | 'push';

/** Token scope for a repository: `repository:<name>:pull` or `repository:<name>:pull,push`. */
export function repositoryScope(repository: string, action: Action): string {
  return `repository:${repository}:${action === 'push' ? 'pull,push' : 'pull'}`;
}
