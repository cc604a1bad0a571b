CREATE TABLE `artifacts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`run_id` text NOT NULL,
	`job_id` text NOT NULL,
	`task_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`r2_key` text NOT NULL,
	`bytes` integer NOT NULL,
	`content_type` text NOT NULL,
	`encoding` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `artifacts_r2_key_idx` ON `artifacts` (`r2_key`);--> statement-breakpoint
CREATE INDEX `artifacts_run_idx` ON `artifacts` (`run_id`);--> statement-breakpoint
CREATE INDEX `artifacts_org_created_idx` ON `artifacts` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `org_settings` (
	`org_id` text PRIMARY KEY NOT NULL,
	`artifact_ttl_days` integer DEFAULT 7 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `task_attempts` (
	`run_id` text NOT NULL,
	`task_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`org_id` text NOT NULL,
	`job_id` text NOT NULL,
	`outcome` text NOT NULL,
	`code` text,
	`duration_ms` integer NOT NULL,
	`items` integer NOT NULL,
	`finished_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `task_id`, `attempt`)
);
--> statement-breakpoint
CREATE INDEX `task_attempts_org_finished_idx` ON `task_attempts` (`org_id`,`finished_at`);