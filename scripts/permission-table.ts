// Prints the permission matrix for docs/security.md. Run: npx tsx scripts/permission-table.ts
import { permissionTableMarkdown } from '../controller/access/permission-table.js';
console.log(permissionTableMarkdown());
