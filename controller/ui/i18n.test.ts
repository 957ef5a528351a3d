// Every label and message of the console exists in Vietnamese and in English: both dictionaries
// have the same keys, none is empty, placeholders match, and every key a screen asks for exists.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DIR } from './console-assets.js';

type Dictionary = Record<string, string>;
// The dictionaries are browser modules (plain JS, no type declarations): imported by path.
const dictionary = async (name: string): Promise<Dictionary> => (await import(path.join(CONSOLE_DIR, 'i18n', `${name}.js`)))[name];
const vi = await dictionary('vi');
const en = await dictionary('en');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'i18n' ? [] : sources(full);
    return e.name.endsWith('.js') ? [full] : [];
  });
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the console dictionaries', () => {
  it('have the same keys in Vietnamese and English, none empty, with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const [key, text] of Object.entries(vi)) {
      expect(text.trim(), key).not.toBe('');
      expect(en[key]!.trim(), key).not.toBe('');
      expect(placeholders(en[key]!), key).toEqual(placeholders(text));
    }
  });

  it('hold every key the screens use', () => {
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of sources(CONSOLE_DIR)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?<![\w.])t\('([\w.]+)'/g)) used.add(m[1]!);
      // t(`tech.${x}`): the family must exist.
      for (const m of text.matchAll(/(?<![\w.])t\(`([\w.]+)\.\$\{/g)) prefixes.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !(k in vi));
    expect(missing).toEqual([]);
    for (const prefix of prefixes) expect(Object.keys(vi).some((k) => k.startsWith(`${prefix}.`)), prefix).toBe(true);
  });

  it('name every technology, replacement status, role, priority class, bulletin status, language, source and job state of the API', async () => {
    const { STATION_TECHNOLOGIES, REPLACEMENT_STATUSES } = await import('../db/schema/registry.js');
    const { ROLES } = await import('../db/schema/accounts.js');
    const { PRIORITY_CLASSES } = await import('../../shared/priority.js');
    const { BULLETIN_LANGUAGES, BULLETIN_SOURCES, BULLETIN_STATUSES, JOB_STATUSES } = await import('../db/schema/media.js');
    const keys = [
      ...STATION_TECHNOLOGIES.map((x) => `tech.${x}`),
      ...REPLACEMENT_STATUSES.map((x) => `replacement.${x}`),
      ...ROLES.map((x) => `role.${x}`),
      ...PRIORITY_CLASSES.map((x) => `priority.${x}`),
      ...BULLETIN_STATUSES.map((x) => `bulletins.status.${x}`),
      ...BULLETIN_LANGUAGES.map((x) => `bulletins.lang.${x}`),
      ...BULLETIN_SOURCES.map((x) => `bulletins.source.${x}`),
      ...JOB_STATUSES.map((x) => `bulletins.job.${x}`),
    ];
    expect(keys.filter((k) => !(k in vi))).toEqual([]);
  });
});
