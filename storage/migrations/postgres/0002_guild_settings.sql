-- PostgreSQL twin of sqlite/0002_guild_settings.sql.
-- Per-server choices made by the server's admins with /config.
CREATE TABLE guild_settings (
    guild_id            BIGINT PRIMARY KEY,
    default_provider    TEXT,
    channel_id          BIGINT,
    max_jobs_per_member INTEGER,
    updated_at          TIMESTAMPTZ NOT NULL,
    updated_by          BIGINT
);

CREATE INDEX jobs_by_guild ON jobs (guild_id, created_at);
