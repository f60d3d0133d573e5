import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIo } from '../../../test/helpers/cli-capture.js';

async function serve(requests: readonly string[]): Promise<Record<string, unknown>[]> {
  const c = captureIo();
  const stdin = new PassThrough();
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
  try {
    const done = main(['node', 'packsync', 'debug', 'gotemplate'], c.io);
    stdin.end(requests.join('\n') + '\n');
    expect(await done).toBe(0);
  } finally {
    Object.defineProperty(process, 'stdin', original);
  }
  return c
    .out()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('packsync debug gotemplate (the oracle protocol)', () => {
  it('answers every request line with the oracle response shape', async () => {
    const res = await serve([
      JSON.stringify({
        id: 'ok',
        templates: {
          'a.yaml.gotmpl': 'name: {{ include "n" . | upper }}',
          '_h.tpl': '{{ define "n" }}{{ .name }}{{ end }}',
        },
        execute: 'a.yaml.gotmpl',
        context: { name: 'web' },
      }),
      JSON.stringify({ id: 'missing', template: '{{ .nope }}', context: {} }),
      JSON.stringify({
        id: 'lenient',
        template: '{{ .nope }}',
        context: {},
        missingkey: 'default',
      }),
      JSON.stringify({ id: 'parse', template: '{{ if }}' }),
      'not json',
      JSON.stringify({ id: 'file', template: '{{ getFile "a.txt" }}', files: { 'a.txt': 'hi' } }),
    ]);
    expect(res).toEqual([
      { id: 'ok', output: 'name: WEB' },
      {
        id: 'missing',
        error:
          'template: template:1:3: executing "template" at <.nope>: map has no entry for key "nope"',
        stage: 'exec',
      },
      { id: 'lenient', output: '<no value>' },
      { id: 'parse', error: 'template: template:1: missing value for if', stage: 'parse' },
      { id: '', error: expect.stringMatching(/^bad request: /) as unknown, stage: 'input' },
      { id: 'file', output: 'hi' },
    ]);
  });

  it('times parse+execute and execute alone when asked to bench', async () => {
    const [res] = await serve([
      JSON.stringify({ id: 'b', template: '{{ . }}', context: 1, bench: 5 }),
    ]);
    expect(res).toMatchObject({ id: 'b', output: '1' });
    expect(res!['ns_per_op']).toBeGreaterThan(0);
    expect(res!['exec_ns_per_op']).toBeGreaterThan(0);
  });
});
