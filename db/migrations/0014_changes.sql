CREATE TABLE `item_history` (
	`org_id` text NOT NULL,
	`job_id` text NOT NULL,
	`run_id` text NOT NULL,
	`key` text NOT NULL,
	`change` text NOT NULL,
	`fields` text NOT NULL,
	`before` text,
	`after` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `key`),
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `item_history_job_key_idx` ON `item_history` (`job_id`,`key`,`created_at`);--> statement-breakpoint
ALTER TABLE `runs` ADD `suspect` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `field_stats` text;