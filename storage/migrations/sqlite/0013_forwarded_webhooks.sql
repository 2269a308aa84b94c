-- Webhook deliveries that reached a process not driving their job (several processes on one
-- PostgreSQL; see engine/relay.py). payload: the verified delivery as JSON, waiting for the process
-- that drives the job, which reads it after NOTIFY job_webhook and sets it back to NULL. A delivery
-- handled where it arrived never stores one. SQLite has one process, so here it stays NULL; the
-- column exists so that both layouts match (cli.py migrate-to-postgres copies every column).
ALTER TABLE webhook_deliveries ADD COLUMN payload TEXT;
-- The deliveries still waiting, by job: few at any time, so the index stays small.
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (job_id) WHERE payload IS NOT NULL;
