// Periodic work (presence sweep, rollups, retention, and later the schedule horizon roll),
// driven by node-cron. Modules register jobs before start; a failing run is logged, never fatal,
// runs of one job never overlap, and stopping waits for the runs in progress (a job that spans
// turns of the event loop, like the rollup's read then write, must not write to a closed database).
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../platform/logger.js';

interface Job {
  name: string;
  expression: string;
  run: () => void | Promise<void>;
}

export class JobRunner {
  private readonly jobs: Job[] = [];
  private tasks: ScheduledTask[] = [];
  private readonly inProgress = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    private readonly timezone: string,
  ) {}

  add(name: string, expression: string, run: () => void | Promise<void>): void {
    if (!cron.validate(expression)) throw new Error(`job ${name}: invalid cron expression ${expression}`);
    this.jobs.push({ name, expression, run });
  }

  start(): void {
    for (const job of this.jobs) {
      const task = cron.createTask(
        job.expression,
        () => this.track(job),
        { name: job.name, noOverlap: true, timezone: this.timezone, suppressMissedWarning: true },
      );
      task.start();
      this.tasks.push(task);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.destroy()));
    this.tasks = [];
    await Promise.all(this.inProgress);
  }

  private track(job: Job): Promise<void> {
    const run = (async () => {
      try {
        await job.run();
      } catch (err) {
        this.logger.error({ err, job: job.name }, 'job failed');
      }
    })();
    this.inProgress.add(run);
    void run.finally(() => this.inProgress.delete(run));
    return run;
  }

  /** Runs one job now (start-up catch-up, tests). */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    await job.run();
  }
}
