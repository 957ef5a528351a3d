// The child side of bench/child.ts: wait for the job over IPC, answer `{ ready }` or
// `{ error }`, and run the cleanup on SIGTERM or when the parent goes away.

export function serveJob<Job, Ready>(start: (job: Job) => Promise<{ ready: Ready; stop: () => Promise<void> }>): void {
  let stop: (() => Promise<void>) | null = null;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await stop?.();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('disconnect', shutdown);
  process.once('message', async (job: Job) => {
    try {
      const started = await start(job);
      stop = started.stop;
      process.send!({ ready: started.ready });
    } catch (err) {
      process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1));
    }
  });
}

/** Sends a message to the parent and resolves once it is written. */
export function report(message: unknown): Promise<void> {
  return new Promise((resolve) => process.send!(message as object, () => resolve()));
}
