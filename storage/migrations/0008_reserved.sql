-- Placeholder: 0008 is main's 0008_session_lease.sql, merged separately. Numbering must have no
-- gaps, so this empty step stands in on this branch; delete this file at the merge.
SELECT 1;
