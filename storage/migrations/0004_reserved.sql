-- Placeholder: number 0004 is reserved for work on another branch. Delete this file when that
-- branch's 0004 lands (two files numbered 0004 make migrations() refuse to start).
SELECT 1;
