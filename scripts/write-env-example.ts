// Regenerates .env.example from the configuration table (platform/config.ts).
// Run: npx tsx scripts/write-env-example.ts
import { writeFileSync } from 'node:fs';
import { CONFIG_KEYS } from '../platform/config.js';

const lines = [
  '# Loa configuration. Every key is optional; the value shown is the default.',
  '# Copy to .env (read from the working directory by `loa`) or set them in the environment.',
  '',
];
for (const spec of Object.values(CONFIG_KEYS)) {
  lines.push(`# ${spec.doc}`);
  lines.push(spec.default === undefined ? `# ${spec.env}=` : `# ${spec.env}=${spec.default}`);
  lines.push('');
}
writeFileSync(new URL('../.env.example', import.meta.url), lines.join('\n'));
console.log(`.env.example: ${Object.keys(CONFIG_KEYS).length} keys`);
