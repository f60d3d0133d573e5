import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRootLogger } from './logger.js';

function line(obj: object): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  createRootLogger('info', out).child({ component: 'test' }).info(obj, 'msg');
  return text;
}

describe('root logger redaction', () => {
  it.each([
    ['a token', { token: 'sekret-1' }],
    ['a nested password', { pull: { credentials: { password: 'sekret-1' } } }],
    ['an Authorization header', { req: { headers: { authorization: 'Bearer sekret-1' } } }],
    ['an Authorization header (capitalised)', { headers: { Authorization: 'Basic sekret-1' } }],
    ['a Secret object', { object: { kind: 'Secret', data: { password: 'c2VrcmV0LTE=' } } }],
    ['a dockerconfigjson', { secret: { data: { '.dockerconfigjson': 'sekret-1' } } }],
    ['a dockerconfigjson key', { '.dockerconfigjson': 'sekret-1' }],
    ['parsed docker auths', { config: { auths: { 'quay.io': { auth: 'sekret-1' } } } }],
    ['a registry auth entry', { registry: { auth: 'sekret-1' } }],
    ['a bearer token', { credentials: { bearerToken: 'sekret-1' } }],
    ['stringData', { obj: { stringData: { key: 'sekret-1' } } }],
  ])('hides %s', (_what, obj) => {
    const text = line(obj);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('sekret-1');
    expect(text).not.toContain('c2VrcmV0LTE=');
  });

  it('keeps what is not secret', () => {
    const text = line({ object: 'ns/name', image: 'quay.io/org/pkg:v1', duration: 12 });
    expect(JSON.parse(text)).toMatchObject({
      component: 'test',
      object: 'ns/name',
      image: 'quay.io/org/pkg:v1',
      duration: 12,
      msg: 'msg',
    });
  });
});
