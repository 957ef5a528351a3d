import { describe, expect, it } from 'vitest';
import { ROLES } from '../controller/db/schema/accounts.js';

describe('the CLI role list', () => {
  it('matches the schema (kept apart so `loa agent` does not load the controller)', async () => {
    const source = await import('node:fs').then((fs) => fs.readFileSync(new URL('./main.ts', import.meta.url), 'utf8'));
    expect(source).toContain(`const ROLES = [${ROLES.map((r) => `'${r}'`).join(', ')}] as const;`);
  });
});
