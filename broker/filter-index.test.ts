import { describe, expect, it } from 'vitest';
import { FilterIndex } from './filter-index.js';

describe('FilterIndex', () => {
  it('finds the values of exact and wildcard filters matching a topic', () => {
    const index = new FilterIndex<string>();
    index.add('loa/v1/devices/d1/cmd', 'd1');
    index.add('loa/v1/areas/06/cmd', 'd1-area');
    index.add('loa/v1/areas/06/cmd', 'd2-area');
    index.add('loa/v1/devices/+/state', 'controller');
    index.add('loa/#', 'ops');
    expect(index.match('loa/v1/devices/d1/cmd').sort()).toEqual(['d1', 'ops']);
    expect(index.match('loa/v1/areas/06/cmd').sort()).toEqual(['d1-area', 'd2-area', 'ops']);
    expect(index.match('loa/v1/devices/d9/state').sort()).toEqual(['controller', 'ops']);
    expect(index.match('other/topic')).toEqual([]);
  });

  it('removes one value at a time, and an exact filter shared by many keeps the others', () => {
    const index = new FilterIndex<string>();
    for (const v of ['a', 'b', 'c']) index.add('area/cmd', v);
    expect(index.remove('area/cmd', 'b')).toBe(true);
    expect(index.match('area/cmd')).toEqual(['a', 'c']);
    expect(index.remove('area/cmd', 'b')).toBe(false);
    index.remove('area/cmd', 'a');
    expect(index.match('area/cmd')).toEqual(['c']);
    index.remove('area/cmd', 'c');
    expect(index.match('area/cmd')).toEqual([]);
    expect(index.remove('area/cmd', 'a')).toBe(false);

    index.add('x/+', 'w1');
    index.add('x/+', 'w2');
    expect(index.remove('x/+', 'w1')).toBe(true);
    expect(index.match('x/y')).toEqual(['w2']);
    index.remove('x/+', 'w2');
    expect(index.match('x/y')).toEqual([]);
  });

  it('keeps duplicates, as two subscriptions of the same filter are two deliveries', () => {
    const index = new FilterIndex<string>();
    index.add('t', 'same');
    index.add('t', 'same');
    expect(index.match('t')).toEqual(['same', 'same']);
  });

  it('returns a new array each time: adding while iterating a match does not change it', () => {
    const index = new FilterIndex<string>();
    index.add('t', 'a');
    index.add('t', 'b');
    const found = index.match('t');
    index.add('t', 'c');
    expect(found).toEqual(['a', 'b']);
  });
});
