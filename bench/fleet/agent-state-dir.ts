// Where the simulated agents keep their data folders (journals, outbox, manifest). On the field
// every cluster syncs them to its own card with its own threads; simulated, thousands of agents
// sync through this machine's one disk and four libuv threads per simulator process, so each
// agent's writes wait behind the others' — a cost of the simulation, not of Loa or of a cluster.
// By default the folders live in a memory-backed folder (/dev/shm) when the machine has one;
// `--agentState=disk` keeps them under the scenario's folder, on disk. (Suspected at first of
// the play_started that never reached the controller in the emergency bench; that was the
// outbox refusing events during its compaction, fixed in agent/playback/outbox.ts. With the
// folders in memory the 99% figures stayed within the rounds' spread.)
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';

export interface AgentStateDir {
  dir: string;
  /** Says where the folders are, for the scenario's notes. */
  note: string;
  remove(): Promise<void>;
}

const MEMORY_BACKED = '/dev/shm';

export async function agentStateDir(scenarioDir: string, choice: string | undefined, memoryBacked = MEMORY_BACKED): Promise<AgentStateDir> {
  if (choice !== undefined && choice !== 'memory' && choice !== 'disk') throw new Error(`agentState must be memory or disk, got ${choice}`);
  const onDisk: AgentStateDir = {
    dir: path.join(scenarioDir, 'agents'),
    note: 'simulated agents keep their data folders on disk, under the scenario folder (their fsyncs queue behind each other)',
    remove: async () => undefined, // removed with the scenario folder
  };
  if (choice === 'disk') return onDisk;
  try {
    await access(memoryBacked, constants.W_OK);
  } catch {
    return { ...onDisk, note: `${onDisk.note}: ${memoryBacked} is not available here` };
  }
  const dir = await mkdtemp(path.join(memoryBacked, 'loa-fleet-'));
  return {
    dir,
    note: `simulated agents keep their data folders in memory (${dir}): on the field each cluster syncs to its own card; --agentState=disk puts them on this machine's one disk`,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
