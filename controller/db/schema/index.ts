// The controller's whole schema; drizzle-kit generates `migrations/` from these files.
export * from './accounts.js';
export * from './audit.js';
export * from './devices.js';
export * from './registry.js';
export * from './media.js';
export * from './broadcasts.js';
