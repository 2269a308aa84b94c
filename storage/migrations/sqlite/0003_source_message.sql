-- The message whose attachment (named input_filename) a job remixes, when it came from a message:
-- "Remix this audio" on a message, or "Remix take N" on a result. Reroll finds the audio there
-- again (fresh attachment URL) once the kept input file has been swept.
ALTER TABLE jobs ADD COLUMN source_message_id INTEGER;
