// Where simulated agents keep their data: in a memory-backed folder when there is one (removed
// afterwards), on disk under the scenario folder when asked or when there is none.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentStateDir } from './agent-state-dir.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'loa-agent-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('agentStateDir', () => {
  it('puts the folders in the memory-backed folder and removes them afterwards', async () => {
    const state = await agentStateDir(path.join(root, 'scenario'), undefined, root);
    expect(path.dirname(state.dir)).toBe(root);
    expect(existsSync(state.dir)).toBe(true);
    expect(state.note).toContain('in memory');
    await state.remove();
    expect(existsSync(state.dir)).toBe(false);
  });

  it('keeps them under the scenario folder when asked, or when there is no memory-backed folder', async () => {
    const asked = await agentStateDir(path.join(root, 'scenario'), 'disk', root);
    expect(asked.dir).toBe(path.join(root, 'scenario', 'agents'));
    const none = await agentStateDir(path.join(root, 'scenario'), undefined, path.join(root, 'no-such-folder'));
    expect(none.dir).toBe(path.join(root, 'scenario', 'agents'));
    expect(none.note).toContain('is not available here');
  });

  it('refuses an unknown choice', async () => {
    await expect(agentStateDir(root, 'ssd', root)).rejects.toThrow('agentState must be memory or disk, got ssd');
  });
});
