-- Community remix sessions. Portable SQL except where noted:
-- SQLite-specific: INTEGER PRIMARY KEY AUTOINCREMENT (PostgreSQL: BIGINT GENERATED ALWAYS AS IDENTITY);
-- times are ISO-8601 UTC text written with fixed width, so text order is time order
-- (PostgreSQL: TIMESTAMPTZ); booleans are 0/1 integers.
CREATE TABLE sessions (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id             BIGINT  NOT NULL,
    channel_id           BIGINT  NOT NULL,
    forum_channel_id     BIGINT,
    thread_id            BIGINT,
    host_id              BIGINT  NOT NULL,
    title                TEXT    NOT NULL,
    provider             TEXT,
    phase                TEXT    NOT NULL
        CHECK (phase IN ('submissions', 'voting', 'closed', 'cancelled')),
    submissions_end      TEXT    NOT NULL,
    voting_end           TEXT    NOT NULL,
    entries_per_member   INTEGER NOT NULL CHECK (entries_per_member BETWEEN 1 AND 5),
    voters_joined_before INTEGER NOT NULL DEFAULT 1,
    source_message_id    BIGINT,
    source_filename      TEXT,
    card_message_id      BIGINT,
    results_message_id   BIGINT,
    created_at           TEXT    NOT NULL,
    voting_opened_at     TEXT,
    finished_at          TEXT,
    archived_at          TEXT,
    -- Whoever changed the phase (or picked up the unfinished follow-up) does the follow-up until
    -- then: a second scheduler on the same database keeps its hands off meanwhile.
    lease_until          TEXT,
    CHECK (voting_end >= submissions_end)
);
CREATE INDEX sessions_by_phase ON sessions (phase);
CREATE INDEX sessions_by_guild ON sessions (guild_id, created_at);

CREATE TABLE session_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    member_id       BIGINT  NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('ai', 'upload')),
    job_id          INTEGER REFERENCES jobs (id),
    take_index      INTEGER,
    upload_filename TEXT,
    file_path       TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'entered' CHECK (status IN ('entered', 'withdrawn', 'failed')),
    -- Random at entry; the anonymous numbers follow its order when voting opens, so any
    -- scheduler that numbers the entries (again, after a crash) gives the same numbers.
    shuffle_key     BIGINT  NOT NULL,
    number          INTEGER,
    message_id      BIGINT,
    created_at      TEXT    NOT NULL,
    withdrawn_at    TEXT,
    UNIQUE (session_id, number),
    CHECK ((kind = 'ai' AND job_id IS NOT NULL AND take_index IS NOT NULL)
        OR (kind = 'upload' AND upload_filename IS NOT NULL))
);
CREATE INDEX session_entries_by_member ON session_entries (session_id, member_id, status);
-- A take is entered once per session (a double press of "Enter take N" makes one entry).
CREATE UNIQUE INDEX session_entries_one_take ON session_entries (session_id, job_id, take_index)
    WHERE status = 'entered' AND job_id IS NOT NULL;

-- One ballot per member per session: the primary key makes a vote one upsert.
CREATE TABLE session_ballots (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    voter_id   BIGINT  NOT NULL,
    entry_id   INTEGER NOT NULL REFERENCES session_entries (id),
    cast_at    TEXT    NOT NULL,
    PRIMARY KEY (session_id, voter_id)
);
CREATE INDEX session_ballots_by_entry ON session_ballots (entry_id);
