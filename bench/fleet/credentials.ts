// The credentials file the fleet simulator reads: what `loa device add-bulk --out` writes (JSON
// lines of {deviceId, secret, agentConfig}), or a JSON array of the same objects (what several
// `loa device add --json` outputs make when collected).
import { readFileSync } from 'node:fs';

export interface FleetCredential {
  deviceId: string;
  secret: string;
  agentConfig: Record<string, unknown> & { areaCodes: string[] };
}

export function parseCredentials(text: string, file = '(credentials)'): FleetCredential[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const items: unknown[] = trimmed.startsWith('[') ? JSON.parse(trimmed) : trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return items.map((item, i) => {
    const c = item as Partial<FleetCredential>;
    if (typeof c.deviceId !== 'string' || typeof c.secret !== 'string' || typeof c.agentConfig !== 'object' || !Array.isArray(c.agentConfig?.areaCodes)) {
      throw new Error(`${file}: entry ${i + 1} is not {deviceId, secret, agentConfig} as written by \`loa device add-bulk\``);
    }
    return c as FleetCredential;
  });
}

export function readCredentials(file: string): FleetCredential[] {
  return parseCredentials(readFileSync(file, 'utf8'), file);
}
