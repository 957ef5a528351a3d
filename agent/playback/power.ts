// The amplifier's power switch (architecture notes: "switched through a small driver (GPIO
// command or no-op)"). Playback switches it on `powerLeadS` before a scheduled item (at once for
// a command: an emergency does not wait for warm-up) and off when nothing is due soon after.
// An operator's `power on` holds it on until their `power off`; an operator's `off` lasts until
// the next playback — the schedule never plays into a switched-off amplifier.
import type { Logger } from '../../platform/logger.js';
import type { PowerConfig } from '../config.js';
import type { DeviceState, PowerState } from '../device-state.js';

export interface PowerDriver {
  set(state: PowerState): Promise<void>;
}

const COMMAND_TIMEOUT_MS = 15_000;

export function createPowerDriver(config: PowerConfig): PowerDriver {
  if (config.driver === 'none') return { set: async () => undefined };
  return {
    async set(state) {
      const { execFile } = await import('node:child_process');
      const command = state === 'on' ? config.on : config.off;
      await new Promise<void>((resolve, reject) => {
        execFile('/bin/sh', ['-c', command], { timeout: COMMAND_TIMEOUT_MS }, (err, _stdout, stderr) => {
          if (err) reject(new Error(`power ${state} command failed: ${err.message} ${String(stderr).trim().slice(0, 300)}`.trim()));
          else resolve();
        });
      });
    },
  };
}

export class Amplifier {
  private held = false;
  /** Serialises switching, so on/off never overtake each other. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly driver: PowerDriver,
    private readonly state: DeviceState,
    private readonly log: Logger,
    private readonly onFailure: (err: Error, wanted: PowerState) => void,
  ) {}

  /** Playback is about to start (or is due within the lead time). */
  on(): Promise<boolean> {
    return this.switch('on');
  }

  /** Playback ended and nothing is due soon. Does nothing while an operator holds it on. */
  off(): Promise<boolean> {
    if (this.held) return Promise.resolve(true);
    return this.switch('off');
  }

  /** An operator's command. Rejects if the driver failed. */
  async manual(state: PowerState): Promise<void> {
    this.held = state === 'on';
    if (!(await this.switch(state, true))) throw new Error(`power ${state} failed`);
  }

  /** Establishes a known state at start-up (the process may have died with it on). */
  reset(): Promise<boolean> {
    return this.switch('off', true);
  }

  private switch(wanted: PowerState, force = false): Promise<boolean> {
    const run = this.chain.then(async () => {
      if (!force && this.state.get().power === wanted) return true;
      try {
        await this.driver.set(wanted);
        this.state.setPower(wanted);
        this.log.info({ power: wanted }, 'amplifier switched');
        return true;
      } catch (err) {
        this.log.error({ err, power: wanted }, 'amplifier switch failed');
        this.onFailure(err as Error, wanted);
        return false;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
