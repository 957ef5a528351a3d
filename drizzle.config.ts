import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './controller/db/schema/index.ts',
  out: './migrations',
});
