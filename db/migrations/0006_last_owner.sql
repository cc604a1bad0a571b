-- Custom SQL migration file, put your code below! --
-- An organization always keeps an owner, whatever path changes its members (role change, removal, leaving,
-- an invitation accepted, operator provisioning): the database refuses the change and its whole batch, audit
-- row included. The services check first for a friendly answer; these triggers close the races between them.
CREATE TRIGGER `members_keep_last_owner_on_update` BEFORE UPDATE OF `role` ON `members`
WHEN OLD.`role` = 'owner' AND NEW.`role` <> 'owner'
  AND (SELECT count(*) FROM `members` WHERE `org_id` = OLD.`org_id` AND `role` = 'owner') <= 1
BEGIN
  SELECT RAISE(ABORT, 'LAST_OWNER: an organization keeps at least one owner');
END;
--> statement-breakpoint
CREATE TRIGGER `members_keep_last_owner_on_delete` BEFORE DELETE ON `members`
WHEN OLD.`role` = 'owner'
  AND (SELECT count(*) FROM `members` WHERE `org_id` = OLD.`org_id` AND `role` = 'owner') <= 1
BEGIN
  SELECT RAISE(ABORT, 'LAST_OWNER: an organization keeps at least one owner');
END;
