// The wire contract shared by broker, controller and agent. Imports nothing else in the repo.
export * from './decode.js';
export * from './payloads.js';
export * from './priority.js';
export * from './topics.js';
