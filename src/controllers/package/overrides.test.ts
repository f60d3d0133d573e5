import { describe, expect, it } from 'vitest';
import {
  applyImagePrefixOverrides,
  applyRegistryHostOverrides,
  effectiveImage,
} from './overrides.js';

describe('image-prefix overrides', () => {
  const overrides = [
    { from: 'quay.io/', to: 'mirror.local/all/' },
    { from: 'quay.io/pko/', to: 'mirror.local/pko/' },
    { from: 'quay.io/pko/special', to: 'other.local/special' },
  ];
  it.each([
    ['quay.io/pko/special:v1', 'other.local/special:v1'],
    ['quay.io/pko/app:v1', 'mirror.local/pko/app:v1'],
    ['quay.io/x/app:v1', 'mirror.local/all/x/app:v1'],
    ['ghcr.io/pko/app:v1', 'ghcr.io/pko/app:v1'],
  ])('the most specific match wins: %s -> %s', (image, want) => {
    expect(applyImagePrefixOverrides(image, overrides)).toBe(want);
  });
  it('the first of equally long matches wins', () => {
    expect(
      applyImagePrefixOverrides('a/b:1', [
        { from: 'a/', to: 'x/' },
        { from: 'a/', to: 'y/' },
      ]),
    ).toBe('x/b:1');
  });
});

describe('registry-host overrides', () => {
  it('moves references of an overridden registry, keeping repository, tag and digest', () => {
    const o = { 'quay.io': '127.0.0.1:5000' };
    expect(applyRegistryHostOverrides('quay.io/pko/app:v1', o)).toBe('127.0.0.1:5000/pko/app:v1');
    const d = `sha256:${'a'.repeat(64)}`;
    expect(applyRegistryHostOverrides(`quay.io/pko/app@${d}`, o)).toBe(
      `127.0.0.1:5000/pko/app@${d}`,
    );
    expect(applyRegistryHostOverrides('ghcr.io/pko/app:v1', o)).toBe('ghcr.io/pko/app:v1');
  });
  it('matches Docker Hub by any of its names', () => {
    expect(applyRegistryHostOverrides('nginx:1', { 'index.docker.io': 'm.local' })).toBe(
      'm.local/library/nginx:1',
    );
  });
  it('applies prefix overrides first, then host overrides', () => {
    expect(
      effectiveImage('quay.io/pko/app:v1', {
        imagePrefixOverrides: [{ from: 'quay.io/pko/', to: 'registry.corp/pko/' }],
        registryHostOverrides: { 'registry.corp': 'localhost:5001' },
      }),
    ).toBe('localhost:5001/pko/app:v1');
  });
});
