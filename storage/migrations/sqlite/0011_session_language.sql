-- Languages for remix sessions (locales/<locale>/sessions.ftl): a session remembers the catalogue its
-- public messages use (the card, the thread, the results and the announcement), resolved when it
-- starts from /config language, else the server's Discord language, so a restart keeps speaking it.
-- NULL (a session from before languages): English.
ALTER TABLE sessions ADD COLUMN public_locale TEXT;
