-- PostgreSQL twin of sqlite/0004_lean_jobs.sql.
-- /jobs and the job autocomplete list a member's recent jobs in one server, newest first:
-- (member_id, guild_id, id) answers that from the index in order, with no sort.
DROP INDEX jobs_by_member;
CREATE INDEX jobs_by_member ON jobs (member_id, guild_id, id);

-- task_id duplicated handle.task_id for a lookup that webhooks make by webhook_token instead.
DROP INDEX jobs_by_task;
ALTER TABLE jobs DROP COLUMN task_id;
-- Written once, never read: an interaction id is useless after its 15-minute token expires, and the
-- input's duration is checked at intake and not needed afterwards.
ALTER TABLE jobs DROP COLUMN interaction_id;
ALTER TABLE jobs DROP COLUMN input_duration;
