import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('src/apis boundaries', () => {
  it('imports nothing from src/ but errors.ts, and no node: modules', () => {
    const dir = import.meta.dirname;
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(5);
    const offending: string[] = [];
    for (const file of sources) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^'"]*?from\s+'([^']+)'/gm)) {
        const spec = m[1] ?? '';
        const ok =
          spec.startsWith('./') ||
          spec === '../errors.js' ||
          (!spec.startsWith('.') && !spec.startsWith('node:'));
        if (!ok) offending.push(`${file}: ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
