import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { permissionTableMarkdown } from './permission-table.js';

describe('the permission matrix', () => {
  it('is written in docs/security.md exactly as the code has it', () => {
    const doc = readFileSync(`${PACKAGE_ROOT}/docs/security.md`, 'utf8');
    expect(doc).toContain(permissionTableMarkdown());
  });
});
