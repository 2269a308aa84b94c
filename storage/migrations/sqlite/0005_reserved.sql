-- Placeholder: number 0005 is reserved for work on another branch. Delete this file when that
-- branch's 0005 lands (two files numbered 0005 make migrations() refuse to start).
SELECT 1;
