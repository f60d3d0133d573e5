import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { PackageRow } from './progress.js';
import { ProgressView } from './view.js';

function row(name: string, phase: string, settled?: 'available' | 'invalid'): PackageRow {
  return {
    key: `Package/demo/${name}`,
    kind: 'Package',
    namespace: 'demo',
    name,
    phase,
    revision: 1,
    message: undefined,
    current: true,
    settled,
  };
}

function capture(): { out: PassThrough; text(): string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}

describe('ProgressView', () => {
  const views: ProgressView[] = [];
  afterEach(() => {
    for (const v of views.splice(0)) v.stop();
  });

  it('prints plain lines only when a row changes, and once when all are Available', () => {
    const c = capture();
    const v = new ProgressView({ out: c.out, tty: false });
    views.push(v);
    v.update([row('a', 'Progressing'), row('b', 'Progressing')]);
    v.update([row('a', 'Progressing'), row('b', 'Progressing')]);
    v.update([row('a', 'Available', 'available'), row('b', 'Progressing')]);
    v.update([row('a', 'Available', 'available'), row('b', 'Available', 'available')]);
    v.update([row('a', 'Available', 'available')]);
    expect(c.text()).toBe(
      [
        'Package demo/a: Progressing (revision 1)',
        'Package demo/b: Progressing (revision 1)',
        'Package demo/a: Available (revision 1)',
        'Package demo/b: Available (revision 1)',
        'all 2 packages Available',
        'Package demo/b: deleted',
        '',
      ].join('\n'),
    );
  });

  it('on a TTY redraws the block in place, logs above it, restores the cursor, respects NO_COLOR', () => {
    const c = capture();
    const before = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    let v: ProgressView;
    try {
      v = new ProgressView({ out: c.out, tty: true, frameMs: 60_000 });
    } finally {
      if (before === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = before;
    }
    views.push(v);
    v.update([row('a', 'Progressing'), row('b', 'Progressing')]);
    v.log('built app');
    v.stop();
    const text = c.text();
    expect(text.startsWith('\x1b[?25l')).toBe(true);
    expect(text.endsWith('\x1b[?25h')).toBe(true);
    // Three lines (two rows and the count) are erased before the log line.
    expect(text).toContain('0/2 Available\n\x1b[3A\r\x1b[Jbuilt app\n');
    for (const code of [31, 32, 33]) expect(text).not.toContain(`\x1b[${code}m`);
  });
});
