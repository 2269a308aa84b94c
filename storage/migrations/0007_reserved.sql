-- Placeholder: number 0007 belongs to the sessions face, merged separately. The numbering must have
-- no gaps, so this empty step stands in until then; drop this file when that 0007 is merged.
SELECT 1;
