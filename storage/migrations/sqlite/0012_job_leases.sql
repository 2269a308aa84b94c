-- Job leases: which process drives an unfinished job (hostname:pid:random) and until when its claim
-- holds. The holder renews it while it drives the job; once it has run out, another process may
-- claim the job and carry it on from its state. A finished job holds no lease.
ALTER TABLE jobs ADD COLUMN lease_holder TEXT;
ALTER TABLE jobs ADD COLUMN lease_until TEXT;
-- The renewal (every third of JOB_LEASE_SECONDS) touches only the rows its process holds.
CREATE INDEX jobs_by_lease_holder ON jobs (lease_holder) WHERE lease_holder IS NOT NULL;
