CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`role` text NOT NULL,
	`scope_code` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`scope_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`scope_code` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_login_at` integer,
	`password_changed_at` integer NOT NULL,
	FOREIGN KEY (`scope_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	`ip` text,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`area_code` text,
	`outcome` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_area_idx` ON `audit_log` (`area_code`,`at`);--> statement-breakpoint
CREATE TABLE `device_daily` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`online_s` integer NOT NULL,
	`heartbeats` integer NOT NULL,
	`max_abs_clock_offset_ms` real,
	`avg_signal_dbm` real,
	PRIMARY KEY(`device_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `device_daily_day_idx` ON `device_daily` (`day`);--> statement-breakpoint
CREATE TABLE `device_state_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` text NOT NULL,
	`online` integer NOT NULL,
	`at` integer NOT NULL,
	`reason` text NOT NULL,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_state_changes_device_at_idx` ON `device_state_changes` (`device_id`,`at`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`station_id` integer NOT NULL,
	`name` text NOT NULL,
	`lat` real,
	`lon` real,
	`secret_hash` text NOT NULL,
	`secret_rotated_at` integer NOT NULL,
	`agent_version` text,
	`manifest_version_held` integer,
	`online` integer DEFAULT false NOT NULL,
	`last_seen_at` integer,
	`last_state_at` integer,
	`last_heartbeat` text,
	`clock_offset_ms` real,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`station_id`) REFERENCES `stations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_station_name_uq` ON `devices` (`station_id`,`name`);--> statement-breakpoint
CREATE INDEX `devices_online_idx` ON `devices` (`online`);--> statement-breakpoint
CREATE TABLE `heartbeats` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` text NOT NULL,
	`received_at` integer NOT NULL,
	`device_ts` integer NOT NULL,
	`uptime_s` integer NOT NULL,
	`volume` integer NOT NULL,
	`power` text NOT NULL,
	`playing_class` text,
	`disk_free_bytes` integer,
	`cache_bytes` integer NOT NULL,
	`clock_offset_ms` real,
	`signal_dbm` real,
	`manifest_version` integer
);
--> statement-breakpoint
CREATE INDEX `heartbeats_device_received_idx` ON `heartbeats` (`device_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `heartbeats_received_idx` ON `heartbeats` (`received_at`);--> statement-breakpoint
CREATE TABLE `service_credentials` (
	`name` text PRIMARY KEY NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `admin_units` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type_label` text NOT NULL,
	`level` text NOT NULL,
	`parent_code` text,
	`province_code` text NOT NULL,
	`district_code` text,
	`valid_from` text,
	`valid_to` text,
	`successor_code` text
);
--> statement-breakpoint
CREATE INDEX `admin_units_parent_idx` ON `admin_units` (`parent_code`);--> statement-breakpoint
CREATE INDEX `admin_units_district_idx` ON `admin_units` (`district_code`);--> statement-breakpoint
CREATE TABLE `station_tech_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`station_id` integer NOT NULL,
	`from_technology` text,
	`to_technology` text NOT NULL,
	`changed_at` integer NOT NULL,
	`changed_by` integer,
	`note` text,
	FOREIGN KEY (`station_id`) REFERENCES `stations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `station_tech_changes_station_idx` ON `station_tech_changes` (`station_id`,`changed_at`);--> statement-breakpoint
CREATE TABLE `stations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`commune_code` text NOT NULL,
	`name` text NOT NULL,
	`technology` text NOT NULL,
	`commissioned_on` text,
	`planned_replacement_year` integer,
	`replacement_status` text DEFAULT 'not_planned' NOT NULL,
	`notes` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`commune_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stations_commune_code_unique` ON `stations` (`commune_code`);