ALTER TABLE `artifacts` ADD `uncompressed_bytes` integer;--> statement-breakpoint
ALTER TABLE `task_attempts` ADD `skipped_trace` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `task_attempts` ADD `skipped_har` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `task_attempts` ADD `skipped_screenshots` integer DEFAULT 0 NOT NULL;