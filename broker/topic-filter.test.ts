// The broker's topic matching against MQTT 3.1.1 §4.7, and against qlobber (what Aedes matched
// with before: mqemitter and aedes-persistence) on thousands of random filters and topics.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { hasWildcard, topicMatches } from './topic-filter.js';

const require = createRequire(import.meta.url);
const { QlobberTrue } = require('qlobber') as { QlobberTrue: new (options: object) => { add(filter: string): void; test(topic: string): boolean } };

describe('topic matching for wildcard subscriptions (MQTT 3.1.1 §4.7)', () => {
  it('matches + on one level and # on the rest, and keeps $ topics from leading wildcards', () => {
    expect(topicMatches('loa/v1/devices/+/state', 'loa/v1/devices/dev-1/state')).toBe(true);
    expect(topicMatches('loa/v1/devices/+/state', 'loa/v1/devices/dev-1/manifest')).toBe(false);
    expect(topicMatches('loa/v1/devices/+', 'loa/v1/devices/dev-1/state')).toBe(false);
    expect(topicMatches('loa/v1/devices/+/state', 'loa/v1/devices/dev-1')).toBe(false);
    expect(topicMatches('loa/#', 'loa/v1/devices/dev-1/state')).toBe(true);
    expect(topicMatches('loa/v1/#', 'loa/v1')).toBe(true); // # also matches the parent level
    expect(topicMatches('loa/v1/#', 'loa/v2')).toBe(false);
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('+/broker/uptime', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('$SYS/+/heartbeat', '$SYS/b1/heartbeat')).toBe(true);
  });

  it('treats empty levels as levels', () => {
    expect(topicMatches('a/+/b', 'a//b')).toBe(true);
    expect(topicMatches('a/+', 'a/')).toBe(true);
    expect(topicMatches('+/a', '/a')).toBe(true);
    expect(topicMatches('a', 'a/')).toBe(false);
    expect(topicMatches('a/', 'a')).toBe(false);
  });

  it('agrees with qlobber on random filters and topics', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const words = ['a', 'b', 'loa', '', 'dev-1'];
    const levels = (wildcards: boolean) => {
      const count = 1 + random(4);
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const pick = random(wildcards ? 7 : 5);
        if (pick === 5) out.push('+');
        else if (pick === 6 && i === count - 1) out.push('#');
        else out.push(words[random(words.length)]!);
      }
      return out.join('/');
    };
    let matched = 0;
    for (let i = 0; i < 5_000; i++) {
      const filter = levels(true);
      const topic = levels(false);
      const qlobber = new QlobberTrue({ separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true });
      qlobber.add(filter);
      const expected = qlobber.test(topic);
      expect([filter, topic, topicMatches(filter, topic)]).toEqual([filter, topic, expected]);
      if (expected) matched++;
    }
    expect(matched).toBeGreaterThan(500); // the random cases include plenty of matches, not only misses
  });

  it('tells wildcard filters from exact ones', () => {
    expect(hasWildcard('loa/v1/devices/+/state')).toBe(true);
    expect(hasWildcard('loa/#')).toBe(true);
    expect(hasWildcard('loa/v1/devices/dev-1/cmd')).toBe(false);
  });
});
