-- Jobs: everything a restart needs to carry a job on from the last state it reached.
CREATE TABLE jobs (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id            INTEGER,
    channel_id          INTEGER NOT NULL,
    member_id           INTEGER NOT NULL,
    kind                TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    prompt              TEXT    NOT NULL DEFAULT '',
    lyrics              TEXT,
    gender              TEXT,
    options             TEXT    NOT NULL DEFAULT '{}',
    input_url           TEXT,
    input_filename      TEXT,
    input_size          INTEGER,
    input_path          TEXT,
    input_duration      REAL,
    upload_limit        INTEGER NOT NULL,
    interaction_id      INTEGER,
    reply_to_message_id INTEGER,
    idempotency_key     TEXT    NOT NULL UNIQUE,
    webhook_token       TEXT    NOT NULL UNIQUE,
    state               TEXT    NOT NULL,
    stage               TEXT,
    percent             REAL,
    eta_seconds         REAL,
    listen_url          TEXT,
    task_id             TEXT,
    handle              TEXT,
    status_message_id   INTEGER,
    result_message_id   INTEGER,
    error               TEXT,
    result              TEXT,
    attempts            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    queued_at           TEXT,
    submitted_at        TEXT,
    finished_at         TEXT
);
CREATE INDEX jobs_by_state ON jobs (state);
CREATE INDEX jobs_by_member ON jobs (member_id, created_at);
CREATE INDEX jobs_by_task ON jobs (provider, task_id);

-- Webhook deliveries already applied, so a duplicate changes nothing.
CREATE TABLE webhook_deliveries (
    provider    TEXT    NOT NULL,
    delivery_id TEXT    NOT NULL,
    job_id      INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    received_at TEXT    NOT NULL,
    PRIMARY KEY (provider, delivery_id)
);

-- Small facts the bot keeps about itself (e.g. the digest of the last global command sync).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
