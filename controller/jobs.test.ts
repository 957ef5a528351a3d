// The job runner: a failing run is logged, not thrown; stopping waits for a run in progress.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../platform/logger.js';
import { JobRunner } from './jobs.js';

const waitFor = async (check: () => boolean, ms = 3_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('JobRunner', () => {
  it('waits for a run in progress before stop() resolves', async () => {
    const jobs = new JobRunner(silentLogger, 'Asia/Ho_Chi_Minh');
    let started = false;
    let finished = false;
    let release!: () => void;
    jobs.add('slow', '* * * * * *', async () => {
      started = true;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished = true;
    });
    jobs.start();
    await waitFor(() => started);
    let stopped = false;
    const stopping = jobs.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false); // the run is still writing
    release();
    await stopping;
    expect(finished).toBe(true);
  });

  it('logs a failing run and keeps running the job', async () => {
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (obj: unknown) => void errors.push(obj) } as typeof silentLogger;
    const jobs = new JobRunner(logger, 'Asia/Ho_Chi_Minh');
    let runs = 0;
    jobs.add('failing', '* * * * * *', () => {
      runs++;
      throw new Error('disk full');
    });
    jobs.start();
    await waitFor(() => runs >= 2, 4_000);
    await jobs.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({ job: 'failing' });
  });
});
