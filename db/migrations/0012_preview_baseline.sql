CREATE TABLE `job_previews` (
	`job_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`items` integer NOT NULL,
	`fill_rates` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
