-- Per-server choices made by the server's admins with /config.
CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    default_provider    TEXT,
    channel_id          INTEGER,
    max_jobs_per_member INTEGER,
    updated_at          TEXT NOT NULL,
    updated_by          INTEGER
);

CREATE INDEX jobs_by_guild ON jobs (guild_id, created_at);
