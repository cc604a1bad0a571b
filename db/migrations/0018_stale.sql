ALTER TABLE `logins` ADD `stale_at` integer;--> statement-breakpoint
ALTER TABLE `logins` ADD `stale_reason` text;--> statement-breakpoint
ALTER TABLE `logins` ADD `stale_run_id` text;