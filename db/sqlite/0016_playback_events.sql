-- Playback events reported by players and apps (POST /api/v1/playback-events), and the listen sessions the
-- analytics handler derives from them (ADR 0014). playback_events keeps every accepted event once: dedup_key is the
-- SHA-256 of the device and its event_id (or, without one, of what identifies the event), so a retried request or a
-- batch synced twice inserts nothing. Listeners are stored as keys, never as raw device ids or addresses.
-- listen_sessions is recomputed from the events of one (episode, listener, session) whenever new ones arrive; the
-- listen figures are read from it. No foreign keys: figures outlive the episodes they count, as the delivery log does.

CREATE TABLE playback_events (
    id               TEXT PRIMARY KEY,
    dedup_key        TEXT NOT NULL UNIQUE,
    episode_id       TEXT NOT NULL,
    podcast_id       TEXT NOT NULL,
    listener_key     TEXT NOT NULL,
    session_id       TEXT NOT NULL,
    sequence         INTEGER NULL,
    type             TEXT NOT NULL CHECK (type IN ('play', 'pause', 'seek', 'progress', 'complete')),
    position_start   REAL NOT NULL,
    position_end     REAL NOT NULL,
    duration_seconds REAL NULL,
    created_at       TEXT NOT NULL,
    occurred_at      TEXT NOT NULL,
    received_at      TEXT NOT NULL
);
CREATE INDEX ix_playback_events_session ON playback_events (episode_id, listener_key, session_id);

CREATE TABLE listen_sessions (
    episode_id       TEXT NOT NULL,
    listener_key     TEXT NOT NULL,
    session_id       TEXT NOT NULL,
    podcast_id       TEXT NOT NULL,
    day              TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    listened_seconds REAL NOT NULL,
    duration_seconds REAL NULL,
    completion       REAL NULL,
    events           INTEGER NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (episode_id, listener_key, session_id)
);
CREATE INDEX ix_listen_sessions_podcast_day ON listen_sessions (podcast_id, day);
CREATE INDEX ix_listen_sessions_episode_day ON listen_sessions (episode_id, day);

-- Players may name an episode by its RSS guid; guids are unique per podcast, so the existing index does not serve that.
CREATE INDEX ix_episodes_guid ON episodes (guid);
