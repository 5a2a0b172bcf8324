-- Publish receipts: one row per WebSub hub or directory ping told that an episode went live, and how it went.
-- Unique per (event, kind, target), so a redelivered EpisodeWentLive event records and sends nothing twice.
-- state: pending (being sent or waiting for a retry), succeeded, failed (for good), skipped (nothing could be sent,
-- e.g. no public address); attempts count the sends of the current series (a retry from the API starts a new one).

CREATE TABLE publish_receipts (
    id              uuid PRIMARY KEY,
    episode_id      uuid NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    podcast_id      uuid NOT NULL,
    event_id        uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('websub', 'ping')),
    target_url      text NOT NULL,
    feed_url        text NULL,
    state           text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'skipped')),
    attempts        integer NOT NULL,
    last_status     integer NULL,
    last_error      text NULL,
    created_at      timestamptz NOT NULL,
    last_attempt_at timestamptz NULL,
    completed_at    timestamptz NULL,
    UNIQUE (event_id, kind, target_url)
);
CREATE INDEX ix_publish_receipts_episode ON publish_receipts (episode_id, created_at);
