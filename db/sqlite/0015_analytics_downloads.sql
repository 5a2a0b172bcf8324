-- Analytics, the download side (ADR 0013, docs/analytics-methodology.md). Days are 'YYYY-MM-DD' (UTC) text in both
-- dialects, so ranges and grouping read the same everywhere. No foreign keys: figures outlive the episodes they
-- count, and recomputing a day must never wait on, or fail because of, catalog changes.

-- Requests imported from files (nginx edge, CloudFront, JSONL). Holds raw client addresses, so it is emptied after
-- Analytics:RequestRetention (7 days), like delivery_log. The request id makes importing a file twice harmless.
CREATE TABLE analytics_imported_requests (
    request_id   TEXT PRIMARY KEY,
    source       TEXT NOT NULL CHECK (source IN ('nginx', 'cloudfront', 'jsonl')),
    occurred_at  TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    status       INTEGER NOT NULL,
    client_ip    TEXT NOT NULL,
    user_agent   TEXT NULL,
    referer      TEXT NULL,
    range_header TEXT NULL,
    first_byte   INTEGER NOT NULL,
    bytes_served INTEGER NOT NULL,
    imported_at  TEXT NOT NULL
);
CREATE INDEX ix_analytics_imported_requests_occurred_at ON analytics_imported_requests (occurred_at);

-- One row per counted download. listener is the rotating HMAC identity (32 hex digits), never an address.
CREATE TABLE analytics_downloads (
    day        TEXT NOT NULL,
    episode_id TEXT NOT NULL,
    podcast_id TEXT NOT NULL,
    listener   TEXT NOT NULL,
    app        TEXT NOT NULL,
    device     TEXT NOT NULL,
    os         TEXT NOT NULL,
    country    TEXT NOT NULL,
    region     TEXT NOT NULL,
    city       TEXT NOT NULL
);
CREATE INDEX ix_analytics_downloads_podcast ON analytics_downloads (podcast_id, day);
CREATE INDEX ix_analytics_downloads_episode ON analytics_downloads (episode_id, day);
CREATE INDEX ix_analytics_downloads_day ON analytics_downloads (day);

-- Requests that made no download, per day and reason (the methodology's drop reasons).
CREATE TABLE analytics_drops (
    day      TEXT NOT NULL,
    reason   TEXT NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (day, reason)
);

-- Per day: how many stored requests (delivery log and imported) the figures were last computed from. A day whose
-- count differs now has new (late) requests: it and its neighbours are recomputed.
CREATE TABLE analytics_days (
    day         TEXT PRIMARY KEY,
    requests    INTEGER NOT NULL,
    computed_at TEXT NOT NULL
);

-- The listener-identity secret when Analytics:ListenerSecret is not set: made once, so every recomputation and
-- every analytics process derives the same identities.
CREATE TABLE analytics_secrets (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
