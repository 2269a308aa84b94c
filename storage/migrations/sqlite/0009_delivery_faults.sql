-- Delivery that survives faults.
-- The interaction token of the command that started a job: it can send the member a private
-- follow-up for 15 minutes (a result that could not be posted). Nothing else reads it.
ALTER TABLE jobs ADD COLUMN interaction_token TEXT;
-- A random tag per database, in every result nonce and marker: two databases used with one bot
-- token never take each other's result messages for their own.
-- SQLite-specific: randomblob/hex (the PostgreSQL twin uses gen_random_uuid).
INSERT INTO meta (key, value) VALUES ('database_tag', lower(hex(randomblob(6))));
