-- PostgreSQL twin of sqlite/0011_forwarded_webhooks.sql (which explains the column).
ALTER TABLE webhook_deliveries ADD COLUMN payload TEXT;
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (job_id) WHERE payload IS NOT NULL;
