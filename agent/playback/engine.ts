// The playback engine: plays each manifest item at its start from the cluster's own clock and
// cache — connection up or not — and commands' "play now", by the rules in timeline.ts. One
// speaker, so one playback at a time. Everything that changes what plays runs one step at a time
// (`serial`), so a timer, a command and a manifest never race each other.
//
// Start precision: the decoder for the next item is spawned PREPARE_LEAD_MS ahead with its file
// open (players/ffmpeg.ts), the start instant is hit by atTime() (precise-timer.ts), and
// `play_started.ts` is the honest instant the audio was released, beside `scheduledAt`.
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import type { DeviceState } from '../device-state.js';
import { entryFields, type Interruption, interruption, playingRecord, playingState, reportCrashedPlayback } from './entry-support.js';
import type { EventSink } from './events.js';
import type { MediaFetcher } from './fetcher.js';
import type { MediaCache } from './media-cache.js';
import type { PlayEnd, Player, PreparedPlayback } from './players/player.js';
import { type Prepared, Preparations } from './preparations.js';
import type { Playlog } from './playlog.js';
import type { Amplifier } from './power.js';
import { atTime, type Cancel } from './precise-timer.js';
import { DEFAULT_GRACE_MS, decide, type Entry, latestStart, mayInterrupt } from './timeline.js';

const PREPARE_LEAD_MS = 2_000;
/** The amplifier stays on between items less than this apart (plus the power lead). */
const KEEP_ON_MS = 60_000;

export interface EngineOptions {
  player: Player;
  cache: MediaCache;
  fetcher: Pick<MediaFetcher, 'fetchNow' | 'lastFailure'>;
  events: EventSink;
  state: DeviceState;
  amplifier: Amplifier;
  playlog: Playlog;
  clock: Clock;
  log: Logger;
  powerLeadMs: () => number;
  graceMs?: number;
}

interface Active {
  entry: Entry;
  playback: PreparedPlayback;
  startedAt: number;
  release: () => void;
}
export type PlayResult = { status: 'ok' | 'error' | 'rejected'; error?: string };

export class Engine {
  private entries: Entry[] = [];
  private readonly prepared: Preparations;
  private current: Active | undefined;
  private since = 0;
  private running = false;
  private chain: Promise<unknown> = Promise.resolve();
  private timers: Cancel[] = [];
  /** Serial steps running or queued; the start fast path runs only when none is. */
  private steps = 0;

  constructor(private readonly o: EngineOptions) {
    this.prepared = new Preparations(o);
  }

  get playing(): Entry | undefined {
    return this.current?.entry;
  }

  /** Reports a playback a crash cut short, then starts watching the schedule. */
  async start(): Promise<void> {
    await reportCrashedPlayback(this.o.playlog, this.o.events, this.o.clock.now());
    this.since = this.o.clock.now();
    this.running = true;
    await this.serial(() => this.evaluate());
  }

  /** Ends what plays (reported as interrupted with `reason`) and stops all timers. */
  stop(reason = 'agent_stopped'): Promise<void> {
    return this.serial(async () => {
      this.running = false;
      this.disarm();
      if (this.current) await this.interrupt({ reason });
      this.prepared.discardExcept(new Set());
      await this.o.playlog.flush();
    });
  }

  /** The manifest's items (already handled ones are left out). */
  setSchedule(items: readonly Entry[]): Promise<void> {
    return this.serial(async () => {
      const playingKey = this.current?.entry.key;
      const blocked = new Set(this.entries.filter((e) => e.blocked).map((e) => e.key));
      this.entries = items
        .filter((e) => e.key !== playingKey && !this.o.playlog.isDone(e.key))
        .map((e) => (blocked.has(e.key) ? { ...e, blocked: true } : e))
        .sort((a, b) => a.startAt - b.startAt);
      this.prepared.discardExcept(new Set(this.entries.map((e) => e.key)));
      await this.evaluate();
    });
  }

  /** A file arrived in the cache: the next item may now be prepared ahead. */
  mediaArrived(): void {
    void this.serial(async () => this.arm());
  }

  /** A play command: starts at once if it may take the speaker (fetching its file first if needed). */
  async playNow(entry: Entry): Promise<PlayResult> {
    const playing = () => this.current?.entry;
    const refused = (p = playing()): PlayResult | undefined =>
      p && !mayInterrupt(entry, p) ? { status: 'rejected', error: `a ${p.class} ${p.source.type} of higher priority is playing` } : undefined;
    if (refused()) return refused()!;
    if (entry.source.type === 'media' && !this.o.cache.has(entry.source.sha256)) {
      try {
        await this.o.fetcher.fetchNow(entry.source);
      } catch (err) {
        const reason = (err as { reason?: string }).reason === 'hash_mismatch' ? 'hash_mismatch' : 'media_missing';
        await this.o.events.emit({ type: 'play_failed', ...entryFields(entry), reason, detail: (err as Error).message.slice(0, 1000) });
        return { status: 'error', error: `media not available: ${(err as Error).message}` };
      }
    }
    return this.serial(async () => {
      if (!this.running) return { status: 'error', error: 'the agent is stopping' };
      if (refused()) return refused()!;
      const started = await this.begin(entry, this.current !== undefined);
      this.arm();
      return started ? { status: 'ok' } : { status: 'error', error: 'the player failed to start' };
    });
  }

  /** Stops what plays (only if it is of `cls`, when given). Resolves whether something stopped. */
  stopPlaying(cls: Entry['class'] | undefined, commandId: string): Promise<boolean> {
    return this.serial(async () => {
      if (!this.current || (cls && this.current.entry.class !== cls)) return false;
      await this.interrupt({ reason: 'stopped', commandId });
      await this.evaluate();
      return true;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.steps++;
    const run = this.chain.then(fn).finally(() => this.steps--);
    this.chain = run.catch((err) => this.o.log.error({ err }, 'playback step failed'));
    return run;
  }

  /** Skips what is too late, starts what should play now, then arms the timers for what comes. */
  private async evaluate(): Promise<void> {
    if (!this.running) return;
    for (;;) {
      const now = this.o.clock.now();
      const due = this.entries.filter((e) => e.startAt <= now);
      const decision = decide(due, this.current?.entry, now, this.graceMs, this.since);
      if (decision.action === 'wait') {
        if (this.current) for (const e of due) e.blocked = true;
        break;
      }
      this.entries = this.entries.filter((e) => e !== decision.entry);
      if (decision.action === 'skip') {
        this.prepared.discard(decision.entry.key);
        this.o.playlog.markDone(decision.entry.key, decision.entry.startAt);
        void this.o.events.emit({ type: 'play_skipped', ...entryFields(decision.entry), reason: decision.reason });
      } else await this.begin(decision.entry, decision.interrupt);
    }
    this.arm();
  }

  /** Starts `entry` (interrupting what plays, if told to). Returns whether it is playing. */
  private async begin(entry: Entry, interrupt: boolean): Promise<boolean> {
    const { cache, events } = this.o;
    if (entry.source.type === 'media' && !cache.has(entry.source.sha256)) {
      this.handled(entry);
      this.prepared.discard(entry.key);
      const reason = this.o.fetcher.lastFailure(entry.source.sha256) === 'hash_mismatch' ? 'hash_mismatch' : 'media_missing';
      void events.emit({ type: 'play_failed', ...entryFields(entry), reason, detail: 'file not in the cache at the start time' });
      return false;
    }
    const prepared = this.prepared.take(entry);
    // Spawn the new decoder while the old one is stopping: the speaker is silent only for the switch.
    const [playback] = await Promise.all([prepared.promise, interrupt && this.current ? this.interrupt({ by: entry }) : undefined]);
    if (!playback || !this.running) {
      prepared.release();
      // Stopping at this very instant: not handled, a quick restart may still play it.
      if (playback) await playback.stop();
      else {
        this.handled(entry);
        void events.emit({ type: 'play_failed', ...entryFields(entry), reason: 'player_error', detail: 'the player could not be prepared' });
      }
      return false;
    }
    const active = this.launch(entry, playback, prepared);
    // The bookkeeping (journal, play_started, state) one turn later, as due() does: the step holds
    // the engine until it is done, but where many agents share one process (simulations,
    // benchmarks) the commands that arrived in the same turn start before anyone writes.
    await new Promise((resolve) => setImmediate(resolve));
    this.record(active);
    return true;
  }

  /**
   * The start instant of a prepared item with the speaker free: released right in the timer's
   * callback, its bookkeeping (events, state, play log) deferred to the next turn of the event
   * loop, so nothing stands between the timer and the audio — and, where many agents share one
   * process (simulations, benchmarks), one agent's bookkeeping does not delay another's start.
   */
  private due(entry: Entry): void {
    const now = this.o.clock.now();
    const playback = this.prepared.ready(entry.key);
    // O(1): entries are sorted by start, so `entry` alone being due means it is the one to start.
    const [first, second] = this.entries;
    const alone = first === entry && (second === undefined || second.startAt > now) && now <= latestStart(entry, this.graceMs);
    if (!playback || !alone || this.steps > 0 || !this.running || this.current) {
      void this.serial(() => this.evaluate());
      return;
    }
    this.entries.shift();
    const active = this.launch(entry, playback, this.prepared.take(entry));
    setImmediate(() =>
      void this.serial(async () => {
        this.record(active);
        await this.evaluate();
      }),
    );
  }

  /** Releases the audio; from here the entry is what plays. */
  private launch(entry: Entry, playback: PreparedPlayback, prepared: Prepared): Active {
    playback.start();
    const active: Active = { entry, playback, startedAt: this.o.clock.now(), release: prepared.release };
    this.current = active;
    return active;
  }

  private record(active: Active): void {
    const { entry, playback, startedAt } = active;
    this.handled(entry);
    this.o.state.setPlaying(playingState(entry, startedAt));
    void this.o.amplifier.on();
    void this.o.events.emit({ type: 'play_started', ...entryFields(entry), ts: startedAt });
    this.o.playlog.setCurrent(playingRecord(entry, startedAt, playback.pid));
    void playback.ended.then((end) => this.serial(() => this.ended(active, end)));
  }

  /** From here on the entry is reported either way, so a restart does not take it up again. */
  private handled(entry: Entry): void {
    if (entry.kind === 'scheduled') this.o.playlog.markDone(entry.key, entry.startAt);
  }

  private async ended(active: Active, end: PlayEnd): Promise<void> {
    if (this.current !== active) return; // interrupted or stopped: already reported
    this.current = undefined;
    active.release();
    this.o.state.setPlaying(null);
    this.o.playlog.setCurrent(null);
    const fields = { ...entryFields(active.entry), durationMs: Math.max(0, this.o.clock.now() - active.startedAt) };
    if (end.outcome === 'finished') void this.o.events.emit({ type: 'play_finished', ...fields });
    else if (end.outcome === 'failed') void this.o.events.emit({ type: 'play_failed', ...fields, reason: end.reason, detail: end.detail });
    else void this.o.events.emit({ type: 'play_interrupted', ...fields, reason: 'player_stopped' });
    await this.evaluate();
  }

  private async interrupt(why: Interruption): Promise<void> {
    const active = this.current;
    if (!active) return;
    this.current = undefined;
    this.o.state.setPlaying(null);
    this.o.playlog.setCurrent(null);
    const durationMs = Math.max(0, this.o.clock.now() - active.startedAt);
    void this.o.events.emit({ type: 'play_interrupted', ...entryFields(active.entry), durationMs, ...interruption(active.entry, why) });
    await active.playback.stop();
    active.release();
  }

  private disarm(): void {
    for (const cancel of this.timers.splice(0)) cancel();
  }

  /** Timers for the next start, the next late-skip, the decoder's preparation and the amplifier. */
  private arm(): void {
    this.disarm();
    if (!this.running) return;
    const { clock, amplifier, cache } = this.o;
    const now = clock.now();
    const next = this.entries.find((e) => e.startAt > now);
    // Among items starting together, only the one that will win is prepared (and fast-started).
    const first = next && this.entries.filter((e) => e.startAt === next.startAt).sort((a, b) => b.rank - a.rank)[0]!;
    const skipAt = Math.min(...this.entries.filter((e) => e.startAt <= now).map((e) => latestStart(e, this.graceMs) + 1));
    if (first && first.startAt <= skipAt) this.timers.push(atTime(clock, first.startAt, () => this.due(first)));
    else if (skipAt < Number.POSITIVE_INFINITY) this.timers.push(atTime(clock, skipAt, () => void this.serial(() => this.evaluate())));
    if (!next || !first) {
      if (!this.current) void amplifier.off();
      return;
    }
    const media = first.source.type === 'media';
    if (media && cache.has((first.source as { sha256: string }).sha256) && !this.prepared.has(first.key)) {
      this.timers.push(atTime(clock, first.startAt - PREPARE_LEAD_MS, () => void this.serial(async () => this.prepareAhead(first))));
    }
    const powerAt = next.startAt - this.o.powerLeadMs();
    if (powerAt > now) this.timers.push(atTime(clock, powerAt, () => void amplifier.on()));
    else if (!this.current) void amplifier.on();
    if (!this.current && powerAt - now > KEEP_ON_MS) void amplifier.off();
  }

  private prepareAhead(entry: Entry): void {
    if (this.running && this.entries.includes(entry)) this.prepared.ahead(entry);
  }

  private get graceMs(): number {
    return this.o.graceMs ?? DEFAULT_GRACE_MS;
  }
}
