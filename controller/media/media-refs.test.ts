import { describe, expect, it } from 'vitest';
import { MediaReferences } from './media-refs.js';

describe('media references', () => {
  it('says a file is in use, or fetchable by a device, when any source says so', () => {
    const refs = new MediaReferences();
    expect(refs.isReferenced('a')).toBe(false);
    refs.register({ name: 'bulletins', isReferenced: (s) => s === 'a', deviceMayFetch: () => false });
    refs.register({ name: 'manifests', isReferenced: (s) => s === 'b', deviceMayFetch: (d, s) => d === 'dev-1' && s === 'b' });
    expect([refs.isReferenced('a'), refs.isReferenced('b'), refs.isReferenced('c')]).toEqual([true, true, false]);
    expect([refs.deviceMayFetch('dev-1', 'b'), refs.deviceMayFetch('dev-2', 'b'), refs.deviceMayFetch('dev-1', 'a')]).toEqual([true, false, false]);
    expect(refs.referencedBy('b')).toEqual(['manifests']);
  });

  it('refuses a second source with the same name', () => {
    const refs = new MediaReferences();
    const source = { name: 'x', isReferenced: () => false, deviceMayFetch: () => false };
    refs.register(source);
    expect(() => refs.register(source)).toThrow(/already registered/);
  });
});
