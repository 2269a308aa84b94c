-- PostgreSQL twin of sqlite/0007_session_face.sql: BIGINT ids, a BOOLEAN flag.
-- A job started with "Remix this" in a session: its result carries "Enter take N" buttons.
ALTER TABLE jobs ADD COLUMN session_id BIGINT REFERENCES sessions (id);
-- /config session-role: members with this role may host sessions (besides Manage Server / Events).
ALTER TABLE guild_settings ADD COLUMN session_role_id BIGINT;
-- /config session-forum: sessions open as posts in this forum unless /session start names another.
ALTER TABLE guild_settings ADD COLUMN session_forum_id BIGINT;
-- /config session-voters: FALSE lets members who joined after a session started vote in it too.
ALTER TABLE guild_settings ADD COLUMN session_voters_joined_before BOOLEAN;
-- Commands run in a session's thread find their session by it.
CREATE INDEX sessions_by_thread ON sessions (thread_id);
