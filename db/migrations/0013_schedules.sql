CREATE TABLE `schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`job_id` text NOT NULL,
	`cron` text NOT NULL,
	`time_zone` text NOT NULL,
	`catch_up` text NOT NULL,
	`overlap` text NOT NULL,
	`jitter_seconds` integer NOT NULL,
	`paused_at` integer,
	`cursor` integer NOT NULL,
	`queued_slot` integer,
	`created_by` text NOT NULL,
	`edge_url` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `schedule_slots` (
	`schedule_id` text NOT NULL,
	`slot` integer NOT NULL,
	`action` text NOT NULL,
	`reason` text,
	`run_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`schedule_id`, `slot`),
	FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedules_job_id_unique` ON `schedules` (`job_id`);--> statement-breakpoint
CREATE INDEX `schedules_org_idx` ON `schedules` (`org_id`);--> statement-breakpoint
ALTER TABLE `runs` ADD `schedule_slot` integer;