CREATE TABLE `telemetry_rollup_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_heartbeat_id` integer NOT NULL
);
