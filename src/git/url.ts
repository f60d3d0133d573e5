/**
 * Repository locations: a remote http(s) URL, or a local path / `file://` URL read in place. Also
 * the one place that strips credentials from a URL before it reaches a message or a log.
 */
import { createHash } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

export type RepoLocation =
  | { kind: 'remote'; url: string; display: string }
  | { kind: 'local'; path: string; display: string };

/** `url` without user info, safe for messages and logs; non-URLs are returned unchanged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** Replaces every occurrence of a URL with credentials in `text` by its redacted form. */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

/**
 * Classifies `url`: `http://`/`https://` are remote; `file://` and anything without a scheme are
 * local paths (relative ones against `cwd`). Other schemes (ssh, git) are refused by the caller.
 */
export function parseRepoLocation(url: string, cwd = process.cwd()): RepoLocation | undefined {
  if (/^https?:\/\//i.test(url)) return { kind: 'remote', url, display: redactUrl(url) };
  if (/^file:\/\//i.test(url)) {
    const path = fileURLToPath(url);
    return { kind: 'local', path, display: url };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^/:]+:/.test(url)) return undefined;
  return { kind: 'local', path: resolvePath(cwd, url), display: url };
}

/**
 * Credentials embedded in an http(s) URL (`https://user:pass@host/...`) and the URL without them.
 */
export function splitUrlCredentials(url: string): {
  url: string;
  username?: string;
  password?: string;
} {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return { url };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return {
    url: u.toString(),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

/** Directory name of a repository's cache: a hash of its redacted URL. */
export function cacheKey(url: string): string {
  return createHash('sha256').update(redactUrl(url)).digest('hex').slice(0, 24);
}
