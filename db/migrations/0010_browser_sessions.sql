CREATE TABLE `browser_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`created_by` text NOT NULL,
	`node_id` text,
	`status` text NOT NULL,
	`budget_ms` integer NOT NULL,
	`idle_ms` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	`browser_ms` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `browser_sessions_org_id_idx` ON `browser_sessions` (`org_id`,`id`);