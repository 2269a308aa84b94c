-- PostgreSQL twin of sqlite/0011_job_leases.sql (which explains the columns).
ALTER TABLE jobs ADD COLUMN lease_holder TEXT;
ALTER TABLE jobs ADD COLUMN lease_until TIMESTAMPTZ;
CREATE INDEX jobs_by_lease_holder ON jobs (lease_holder) WHERE lease_holder IS NOT NULL;
