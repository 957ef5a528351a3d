// Small helpers of the engine: what an event says about an entry, what a player is asked to
// play, and ending a decoder a crashed agent left behind.
import { readFile } from 'node:fs/promises';
import type { DeviceEvent } from '../../shared/payloads.js';
import type { Playing } from '../device-state.js';
import type { EventSink } from './events.js';
import type { MediaCache } from './media-cache.js';
import type { Playlog, PlayingRecord } from './playlog.js';
import type { PlayRequest } from './players/player.js';
import { type Entry, playDuration } from './timeline.js';

type EventFields = Omit<DeviceEvent, 'seq' | 'ts' | 'type'>;

/** The fields every event about `entry` carries (emergency plays: commandId and emergencyId). */
export function entryFields(entry: Entry): EventFields {
  const fields: EventFields = { class: entry.class };
  if (entry.item) {
    fields.itemId = entry.item.id;
    fields.occurrenceId = entry.item.occurrenceId;
    fields.scheduledAt = entry.startAt;
  }
  if (entry.commandId) fields.commandId = entry.commandId;
  if (entry.emergencyId) fields.emergencyId = entry.emergencyId;
  if (entry.source.type === 'media') fields.sha256 = entry.source.sha256;
  else fields.url = entry.source.url;
  return fields;
}

/** Why a playing ended early: a higher item (`by`), or a stop with a reason (and the stop command). */
export type Interruption = { by: Entry } | { reason: string; commandId?: string };

export function interruption(stopped: Entry, why: Interruption): Pick<EventFields, 'reason' | 'interruptedBy'> {
  if ('by' in why) {
    const { by } = why;
    return { reason: 'preempted', interruptedBy: { class: by.class, ...(by.item ? { itemId: by.item.id } : {}), ...(by.commandId ? { commandId: by.commandId } : {}) } };
  }
  return { reason: why.reason, ...(why.commandId ? { interruptedBy: { class: stopped.class, commandId: why.commandId } } : {}) };
}

export function playingRecord(entry: Entry, startedAt: number, pid: number | undefined): PlayingRecord {
  return {
    ...entryFields(entry),
    key: entry.key,
    startedAt,
    ...(pid !== undefined ? { pid } : {}),
    stream: entry.source.type === 'stream',
    scheduled: entry.kind === 'scheduled',
  };
}

export function recordFields(record: PlayingRecord): EventFields {
  const { key: _key, startedAt: _startedAt, pid: _pid, stream: _stream, scheduled: _scheduled, ...fields } = record;
  return fields;
}

export function playingState(entry: Entry, startedAt: number): Playing {
  return {
    class: entry.class,
    source: entry.source.type,
    ...(entry.item ? { itemId: entry.item.id } : {}),
    ...(entry.commandId ? { commandId: entry.commandId } : {}),
    startedAt,
  };
}

export function playRequest(entry: Entry, cache: MediaCache, volume: number, now: number): PlayRequest {
  const source: PlayRequest['source'] =
    entry.source.type === 'media'
      ? { type: 'media', path: cache.pathOf(entry.source.sha256), sha256: entry.source.sha256 }
      : { type: 'stream', url: entry.source.url };
  const durationMs = playDuration(entry, now);
  return {
    key: entry.item?.id ?? entry.commandId ?? entry.key,
    ...(entry.item ? { itemId: entry.item.id } : {}),
    ...(entry.commandId ? { commandId: entry.commandId } : {}),
    source,
    volume: entry.volume ?? volume,
    ...(durationMs !== undefined ? { durationMs } : {}),
  };
}

/**
 * Ends the decoder a killed agent left playing (outside systemd, whose control group would
 * have ended it). Only a process that is still an ffmpeg: the pid may have been reused.
 */
export async function endOrphan(pid: number | undefined): Promise<boolean> {
  if (pid === undefined || process.platform !== 'linux') return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('ffmpeg')) return false;
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/**
 * At start-up: what was playing when the previous process ended without saying so (crash, kill,
 * power loss) is reported `play_interrupted` with reason `agent_restart`, and its decoder ended.
 * A bulletin is not replayed; a live relay may be joined again for what remains of it.
 */
export async function reportCrashedPlayback(playlog: Playlog, events: EventSink, now: number): Promise<void> {
  const crashed = await playlog.load(now);
  if (!crashed) return;
  const ended = await endOrphan(crashed.pid);
  const detail = `the agent ended during playback (crash, kill or power loss)${ended ? '; its decoder was stopped' : ''}`;
  await events.emit({ type: 'play_interrupted', ...recordFields(crashed), reason: 'agent_restart', detail });
  playlog.setCurrent(null);
  if (crashed.stream && crashed.scheduled) playlog.forget(crashed.key);
}
