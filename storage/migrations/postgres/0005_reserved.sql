-- Placeholder, as sqlite/0005_reserved.sql: number 0005 is reserved for 0005_admin.sql from another
-- branch. Delete this file when its PostgreSQL twin lands here.
SELECT 1;
