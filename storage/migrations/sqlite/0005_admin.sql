-- What server admins control (/config budget, roles, cooldown, member-limit, blocklist, flagged,
-- log-channel) and what each job cost. The PostgreSQL twin is postgres/0005_admin.sql.

-- What a job cost, in the provider's credits. `credits_reserved` is the amount the job holds in its
-- server's budget counters (an estimate until the provider reports the cost); `credits` is the cost
-- once known (reported by the provider, or the estimate when the provider says nothing).
ALTER TABLE jobs ADD COLUMN credits_reserved REAL NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN credits REAL;

-- One row per server and provider: the budget (NULL: none) and what has been used in the current
-- day and month (UTC). Every job counts, budget or not, so a budget set mid-day sees the day's
-- spending. The counters restart when `day` / `month` no longer name the current period; checking
-- and reserving is one UPDATE of this row, so two members at once cannot both pass.
CREATE TABLE credit_budgets (
    guild_id    INTEGER NOT NULL,
    provider    TEXT    NOT NULL,
    daily       REAL,
    monthly     REAL,
    day         TEXT    NOT NULL DEFAULT '',
    day_used    REAL    NOT NULL DEFAULT 0,
    month       TEXT    NOT NULL DEFAULT '',
    month_used  REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, provider)
);

-- Per-server rules beyond guild_settings.
CREATE TABLE guild_rules (
    guild_id          INTEGER PRIMARY KEY,
    cooldown_seconds  INTEGER,
    jobs_per_day      INTEGER,
    flagged_mode      TEXT,
    log_channel_id    INTEGER,
    updated_at        TEXT NOT NULL,
    updated_by        INTEGER
);

-- Roles that may start jobs ('allow') or may start them without per-member limits ('bypass').
CREATE TABLE guild_roles (
    guild_id INTEGER NOT NULL,
    role_id  INTEGER NOT NULL,
    mode     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, role_id, mode)
);

-- Words and simple patterns (* for any letters) refused in prompts, lyrics and titles.
CREATE TABLE guild_blocklist (
    guild_id INTEGER NOT NULL,
    pattern  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pattern)
);

-- Blocked attempts, for the escalating cooldown; and the cooldown a member is serving.
CREATE TABLE member_strikes (
    guild_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    at        TEXT    NOT NULL
);
CREATE INDEX member_strikes_by_member ON member_strikes (guild_id, member_id, at);

CREATE TABLE member_penalties (
    guild_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    until     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
