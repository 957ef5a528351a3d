// Circular 39/2020 bulletin classes and the agent's priority ladder (architecture notes,
// "Scheduling and playback"): emergency > live/relay > priority > normal.

export const PRIORITY_CLASSES = ['normal', 'priority', 'emergency'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

export type SourceType = 'media' | 'stream';

/**
 * Rank on the ladder; a higher rank interrupts a lower one at once.
 * A relayed stream outranks priority bulletins unless it is itself an emergency.
 */
export function playRank(cls: PriorityClass, source: SourceType): number {
  if (cls === 'emergency') return 3;
  if (source === 'stream') return 2;
  return cls === 'priority' ? 1 : 0;
}
