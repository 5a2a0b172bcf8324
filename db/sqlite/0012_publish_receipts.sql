-- Publish receipts: one row per WebSub hub or directory ping told that an episode went live, and how it went.
-- Unique per (event, kind, target), so a redelivered EpisodeWentLive event records and sends nothing twice.
-- state: pending (being sent or waiting for a retry), succeeded, failed (for good), skipped (nothing could be sent,
-- e.g. no public address); attempts count the sends of the current series (a retry from the API starts a new one).

CREATE TABLE publish_receipts (
    id              TEXT PRIMARY KEY,
    episode_id      TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    podcast_id      TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('websub', 'ping')),
    target_url      TEXT NOT NULL,
    feed_url        TEXT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL,
    last_status     INTEGER NULL,
    last_error      TEXT NULL,
    created_at      TEXT NOT NULL,
    last_attempt_at TEXT NULL,
    completed_at    TEXT NULL,
    UNIQUE (event_id, kind, target_url)
);
CREATE INDEX ix_publish_receipts_episode ON publish_receipts (episode_id, created_at);
