-- Analytics, the download side (ADR 0013, docs/analytics-methodology.md). Days are 'YYYY-MM-DD' (UTC) text in both
-- dialects, so ranges and grouping read the same everywhere. No foreign keys: figures outlive the episodes they
-- count, and recomputing a day must never wait on, or fail because of, catalog changes.

-- Requests imported from files (nginx edge, CloudFront, JSONL). Holds raw client addresses, so it is emptied after
-- Analytics:RequestRetention (7 days), like delivery_log. The request id makes importing a file twice harmless.
CREATE TABLE analytics_imported_requests (
    request_id   text PRIMARY KEY,
    source       text NOT NULL CHECK (source IN ('nginx', 'cloudfront', 'jsonl')),
    occurred_at  timestamptz NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    status       integer NOT NULL,
    client_ip    text NOT NULL,
    user_agent   text NULL,
    referer      text NULL,
    range_header text NULL,
    first_byte   bigint NOT NULL,
    bytes_served bigint NOT NULL,
    imported_at  timestamptz NOT NULL
);
CREATE INDEX ix_analytics_imported_requests_occurred_at ON analytics_imported_requests (occurred_at);

-- One row per counted download. listener is the rotating HMAC identity (32 hex digits), never an address.
CREATE TABLE analytics_downloads (
    day        text NOT NULL,
    episode_id uuid NOT NULL,
    podcast_id uuid NOT NULL,
    listener   text NOT NULL,
    app        text NOT NULL,
    device     text NOT NULL,
    os         text NOT NULL,
    country    text NOT NULL,
    region     text NOT NULL,
    city       text NOT NULL
);
CREATE INDEX ix_analytics_downloads_podcast ON analytics_downloads (podcast_id, day);
CREATE INDEX ix_analytics_downloads_episode ON analytics_downloads (episode_id, day);
CREATE INDEX ix_analytics_downloads_day ON analytics_downloads (day);

-- Requests that made no download, per day and reason (the methodology's drop reasons).
CREATE TABLE analytics_drops (
    day      text NOT NULL,
    reason   text NOT NULL,
    requests bigint NOT NULL,
    PRIMARY KEY (day, reason)
);

-- Per day: how many stored requests (delivery log and imported) the figures were last computed from. A day whose
-- count differs now has new (late) requests: it and its neighbours are recomputed.
CREATE TABLE analytics_days (
    day         text PRIMARY KEY,
    requests    bigint NOT NULL,
    computed_at timestamptz NOT NULL
);

-- The listener-identity secret when Analytics:ListenerSecret is not set: made once, so every recomputation and
-- every analytics process derives the same identities.
CREATE TABLE analytics_secrets (
    name       text PRIMARY KEY,
    secret     text NOT NULL,
    created_at timestamptz NOT NULL
);
