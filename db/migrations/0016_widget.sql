CREATE TABLE `job_freshness` (
	`job_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`max_age_minutes` integer NOT NULL,
	`missed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `job_freshness_org_idx` ON `job_freshness` (`org_id`);--> statement-breakpoint
ALTER TABLE `runs` ADD `expired_at` integer;--> statement-breakpoint
ALTER TABLE `org_settings` ADD `retention_days` integer;