import { describe, expect, it } from 'vitest';
import { MAX_SYNC_PUBLISH_DEPTH, unwindingPublished } from './publish-depth.js';

describe('the published hook', () => {
  it('continues synchronously while the chain of publishes is shallow', () => {
    const published = unwindingPublished();
    let called = false;
    published({}, {}, () => {
      called = true;
    });
    expect(called).toBe(true);
  });

  it('lets a chain of 200,000 publishes that each trigger the next unwind instead of overflowing the stack', async () => {
    const published = unwindingPublished();
    let remaining = 200_000;
    let deepest = 0;
    let depth = 0;
    // Like Aedes: the callback reads the next packet and publishes it, from inside the callback.
    const publishNext = (): Promise<void> =>
      new Promise((resolve) => {
        const step = () => {
          depth++;
          deepest = Math.max(deepest, depth);
          if (--remaining === 0) resolve();
          else published({}, {}, step);
          depth--;
        };
        published({}, {}, step);
      });
    await publishNext();
    expect(remaining).toBe(0);
    expect(deepest).toBeLessThanOrEqual(MAX_SYNC_PUBLISH_DEPTH + 1);
  });
});
