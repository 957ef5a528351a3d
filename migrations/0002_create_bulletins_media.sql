CREATE TABLE `bulletin_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bulletin_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor_id` integer,
	`reason` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`bulletin_id`) REFERENCES `bulletins`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bulletin_transitions_bulletin_idx` ON `bulletin_transitions` (`bulletin_id`,`at`);--> statement-breakpoint
CREATE TABLE `bulletins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`language` text NOT NULL,
	`category` text,
	`priority_class` text NOT NULL,
	`notes` text,
	`owner_area_code` text NOT NULL,
	`source` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`original_sha256` text,
	`original_filename` text,
	`asset_sha256` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_area_code`) REFERENCES `admin_units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_sha256`) REFERENCES `media_assets`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bulletins_owner_status_idx` ON `bulletins` (`owner_area_code`,`status`);--> statement-breakpoint
CREATE INDEX `bulletins_asset_idx` ON `bulletins` (`asset_sha256`);--> statement-breakpoint
CREATE TABLE `media_assets` (
	`sha256` text PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`codec` text NOT NULL,
	`bitrate` integer,
	`channels` integer NOT NULL,
	`sample_rate` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`loudness_lufs` real,
	`true_peak_dbtp` real,
	`size_bytes` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `transcode_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bulletin_id` integer NOT NULL,
	`status` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`bulletin_id`) REFERENCES `bulletins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `transcode_jobs_status_idx` ON `transcode_jobs` (`status`);