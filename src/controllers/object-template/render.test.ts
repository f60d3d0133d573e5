import { describe, expect, it } from 'vitest';
import { renderTemplate } from './render.js';

describe('renderTemplate', () => {
  it('renders config into one object', () => {
    const r = renderTemplate(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .config.name }}\ndata:\n  a: {{ .config.a | quote }}\n',
      { name: 'out', a: 'x' },
    );
    expect(r).toEqual({
      ok: true,
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'out' }, data: { a: 'x' } },
    });
  });
  it.each([
    ['parse error', '{{ .config.a }'],
    ['missing key', '{{ .config.nope }}'],
    ['not an object', '- a\n- b\n'],
    ['no kind', 'apiVersion: v1\nmetadata:\n  name: x\n'],
    ['no name', 'apiVersion: v1\nkind: ConfigMap\n'],
    ['getFile is not available', '{{ getFile "x" }}'],
  ])('%s fails', (_what, tpl) => {
    expect(renderTemplate(tpl, { a: 'x' }).ok).toBe(false);
  });
});
