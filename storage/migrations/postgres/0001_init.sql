-- PostgreSQL twin of sqlite/0001_init.sql: the same tables, PostgreSQL's types (ids BIGINT, since
-- Discord ids pass 2^31; times TIMESTAMPTZ; JSON stays TEXT, read and written as text by both).
CREATE TABLE jobs (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id            BIGINT,
    channel_id          BIGINT  NOT NULL,
    member_id           BIGINT  NOT NULL,
    kind                TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    prompt              TEXT    NOT NULL DEFAULT '',
    lyrics              TEXT,
    gender              TEXT,
    options             TEXT    NOT NULL DEFAULT '{}',
    input_url           TEXT,
    input_filename      TEXT,
    input_size          BIGINT,
    input_path          TEXT,
    input_duration      DOUBLE PRECISION,
    upload_limit        BIGINT  NOT NULL,
    interaction_id      BIGINT,
    reply_to_message_id BIGINT,
    idempotency_key     TEXT    NOT NULL UNIQUE,
    webhook_token       TEXT    NOT NULL UNIQUE,
    state               TEXT    NOT NULL,
    stage               TEXT,
    percent             DOUBLE PRECISION,
    eta_seconds         DOUBLE PRECISION,
    listen_url          TEXT,
    task_id             TEXT,
    handle              TEXT,
    status_message_id   BIGINT,
    result_message_id   BIGINT,
    error               TEXT,
    result              TEXT,
    attempts            INTEGER NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    queued_at           TIMESTAMPTZ,
    submitted_at        TIMESTAMPTZ,
    finished_at         TIMESTAMPTZ
);
CREATE INDEX jobs_by_state ON jobs (state);
CREATE INDEX jobs_by_member ON jobs (member_id, created_at);
CREATE INDEX jobs_by_task ON jobs (provider, task_id);

-- Webhook deliveries already applied, so a duplicate changes nothing.
CREATE TABLE webhook_deliveries (
    provider    TEXT        NOT NULL,
    delivery_id TEXT        NOT NULL,
    job_id      BIGINT      NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, delivery_id)
);

-- Small facts the bot keeps about itself (e.g. the digest of the last global command sync).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
