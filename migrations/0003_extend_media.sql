CREATE TABLE `media_originals` (
	`sha256` text PRIMARY KEY NOT NULL,
	`format_name` text NOT NULL,
	`mime` text NOT NULL,
	`codec` text NOT NULL,
	`channels` integer,
	`sample_rate` integer,
	`duration_ms` integer NOT NULL,
	`size_bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`unreferenced_since` integer,
	`removed_at` integer
);
--> statement-breakpoint
ALTER TABLE `bulletins` ADD `text` text;--> statement-breakpoint
ALTER TABLE `bulletins` ADD `tts_voice` text;--> statement-breakpoint
CREATE INDEX `bulletins_original_idx` ON `bulletins` (`original_sha256`);--> statement-breakpoint
ALTER TABLE `media_assets` ADD `source_sha256` text;--> statement-breakpoint
ALTER TABLE `media_assets` ADD `settings_key` text;--> statement-breakpoint
ALTER TABLE `media_assets` ADD `unreferenced_since` integer;--> statement-breakpoint
ALTER TABLE `media_assets` ADD `removed_at` integer;--> statement-breakpoint
ALTER TABLE `transcode_jobs` ADD `source_sha256` text;--> statement-breakpoint
ALTER TABLE `transcode_jobs` ADD `output_sha256` text;--> statement-breakpoint
ALTER TABLE `transcode_jobs` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `transcode_jobs_bulletin_idx` ON `transcode_jobs` (`bulletin_id`);