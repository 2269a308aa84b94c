-- Delivery that survives faults (the SQLite twin explains each line).
ALTER TABLE jobs ADD COLUMN interaction_token TEXT;
-- 12 lowercase hex characters, the same shape as SQLite's lower(hex(randomblob(6))).
INSERT INTO meta (key, value) VALUES ('database_tag', substr(replace(gen_random_uuid()::text, '-', ''), 1, 12));
