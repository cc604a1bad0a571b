ALTER TABLE `org_policies` ADD `site_max_concurrent` integer;--> statement-breakpoint
ALTER TABLE `org_policies` ADD `site_min_delay_ms` integer;--> statement-breakpoint
ALTER TABLE `org_policies` ADD `max_tasks_in_flight` integer;--> statement-breakpoint
ALTER TABLE `org_policies` ADD `max_concurrent_runs` integer;