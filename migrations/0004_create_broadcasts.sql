CREATE TABLE `commands` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`op` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`created_by` integer,
	`created_by_name` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`sent_count` integer DEFAULT 0 NOT NULL,
	`last_sent_at` integer,
	`result_at` integer,
	`error` text,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `commands_device_idx` ON `commands` (`device_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `commands_pending_idx` ON `commands` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `confirmations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`occurrence_id` integer NOT NULL,
	`commune_code` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`occurrence_id`) REFERENCES `occurrences`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`commune_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `confirmations_occurrence_commune_uq` ON `confirmations` (`occurrence_id`,`commune_code`);--> statement-breakpoint
CREATE INDEX `confirmations_commune_idx` ON `confirmations` (`commune_code`,`at`);--> statement-breakpoint
CREATE TABLE `device_event_cursors` (
	`device_id` text PRIMARY KEY NOT NULL,
	`committed_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `device_events` (
	`device_id` text NOT NULL,
	`seq` integer NOT NULL,
	`ts` integer NOT NULL,
	`type` text NOT NULL,
	`item_id` text,
	`occurrence_id` text,
	`command_id` text,
	`emergency_id` text,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`device_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `device_events_ts_idx` ON `device_events` (`ts`);--> statement-breakpoint
CREATE TABLE `device_group_members` (
	`group_id` integer NOT NULL,
	`device_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `device_id`),
	FOREIGN KEY (`group_id`) REFERENCES `device_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_group_members_device_idx` ON `device_group_members` (`device_id`);--> statement-breakpoint
CREATE TABLE `device_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`area_code` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`area_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_groups_area_name_uq` ON `device_groups` (`area_code`,`name`);--> statement-breakpoint
CREATE TABLE `device_manifests` (
	`device_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`hash` text NOT NULL,
	`body` text NOT NULL,
	`built_at` integer NOT NULL,
	`published_version` integer,
	`published_at` integer,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `emergencies` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`area_codes` text NOT NULL,
	`payload` text NOT NULL,
	`bulletin_id` integer,
	`status` text NOT NULL,
	`created_by` integer,
	`created_by_name` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`stopped_at` integer
);
--> statement-breakpoint
CREATE INDEX `emergencies_created_idx` ON `emergencies` (`created_at`);--> statement-breakpoint
CREATE TABLE `emergency_devices` (
	`emergency_id` text NOT NULL,
	`device_id` text NOT NULL,
	`commune_code` text NOT NULL,
	`ack_status` text DEFAULT 'pending' NOT NULL,
	`ack_at` integer,
	`error` text,
	`started_at` integer,
	`started_received_at` integer,
	`resent_count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`emergency_id`, `device_id`),
	FOREIGN KEY (`emergency_id`) REFERENCES `emergencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `occurrences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`schedule_id` integer NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`class` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`items` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `occurrences_schedule_start_uq` ON `occurrences` (`schedule_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `occurrences_window_idx` ON `occurrences` (`status`,`end_at`,`start_at`);--> statement-breakpoint
CREATE TABLE `playback_results` (
	`device_id` text NOT NULL,
	`item_id` text NOT NULL,
	`occurrence_id` integer NOT NULL,
	`item_index` integer NOT NULL,
	`commune_code` text NOT NULL,
	`planned_start_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`status` text NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`skew_ms` integer,
	`reason` text,
	`interrupted_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`device_id`, `item_id`)
);
--> statement-breakpoint
CREATE INDEX `playback_results_occurrence_idx` ON `playback_results` (`occurrence_id`);--> statement-breakpoint
CREATE INDEX `playback_results_commune_start_idx` ON `playback_results` (`commune_code`,`planned_start_at`);--> statement-breakpoint
CREATE TABLE `priority_orders` (
	`commune_code` text NOT NULL,
	`occurrence_id` integer NOT NULL,
	`rank` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer NOT NULL,
	PRIMARY KEY(`commune_code`, `occurrence_id`),
	FOREIGN KEY (`commune_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`occurrence_id`) REFERENCES `occurrences`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `schedule_items` (
	`schedule_id` integer NOT NULL,
	`position` integer NOT NULL,
	`bulletin_id` integer NOT NULL,
	PRIMARY KEY(`schedule_id`, `position`),
	FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`bulletin_id`) REFERENCES `bulletins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `schedule_items_bulletin_idx` ON `schedule_items` (`bulletin_id`);--> statement-breakpoint
CREATE TABLE `schedule_targets` (
	`schedule_id` integer NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	PRIMARY KEY(`schedule_id`, `kind`, `ref`),
	FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `schedule_targets_ref_idx` ON `schedule_targets` (`kind`,`ref`);--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`owner_area_code` text NOT NULL,
	`class` text NOT NULL,
	`volume` integer,
	`timezone` text NOT NULL,
	`timing_kind` text NOT NULL,
	`timing` text NOT NULL,
	`valid_from` text,
	`valid_to` text,
	`source_kind` text NOT NULL,
	`stream_url` text,
	`stream_duration_ms` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`owner_area_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `schedules_owner_idx` ON `schedules` (`owner_area_code`);