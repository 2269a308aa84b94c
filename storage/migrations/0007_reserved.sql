-- Placeholder: 0007 is main's 0007_session_face.sql, merged separately. Numbering must have no
-- gaps, so this empty step stands in on this branch; delete this file at the merge.
SELECT 1;
