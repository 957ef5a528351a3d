// Prints the configuration table for README.md from platform/config.ts.
// Run: npx tsx scripts/config-table.ts
import { CONFIG_KEYS } from '../platform/config.js';

console.log('| variable | default | what |');
console.log('|---|---|---|');
for (const spec of Object.values(CONFIG_KEYS)) {
  console.log(`| \`${spec.env}\` | ${spec.default === undefined ? '—' : `\`${spec.default}\``} | ${spec.doc.replace(/\|/g, '\\|')} |`);
}
