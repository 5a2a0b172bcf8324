-- Playback events reported by players and apps (POST /api/v1/playback-events), and the listen sessions the
-- analytics handler derives from them (ADR 0014). playback_events keeps every accepted event once: dedup_key is the
-- SHA-256 of the device and its event_id (or, without one, of what identifies the event), so a retried request or a
-- batch synced twice inserts nothing. Listeners are stored as keys, never as raw device ids or addresses.
-- listen_sessions is recomputed from the events of one (episode, listener, session) whenever new ones arrive; the
-- listen figures are read from it. No foreign keys: figures outlive the episodes they count, as the delivery log does.

CREATE TABLE playback_events (
    id               uuid PRIMARY KEY,
    dedup_key        text NOT NULL UNIQUE,
    episode_id       uuid NOT NULL,
    podcast_id       uuid NOT NULL,
    listener_key     text NOT NULL,
    session_id       text NOT NULL,
    sequence         bigint NULL,
    type             text NOT NULL CHECK (type IN ('play', 'pause', 'seek', 'progress', 'complete')),
    position_start   double precision NOT NULL,
    position_end     double precision NOT NULL,
    duration_seconds double precision NULL,
    created_at       timestamptz NOT NULL,
    occurred_at      timestamptz NOT NULL,
    received_at      timestamptz NOT NULL
);
CREATE INDEX ix_playback_events_session ON playback_events (episode_id, listener_key, session_id);

CREATE TABLE listen_sessions (
    episode_id       uuid NOT NULL,
    listener_key     text NOT NULL,
    session_id       text NOT NULL,
    podcast_id       uuid NOT NULL,
    day              text NOT NULL,
    started_at       timestamptz NOT NULL,
    listened_seconds double precision NOT NULL,
    duration_seconds double precision NULL,
    completion       double precision NULL,
    events           integer NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (episode_id, listener_key, session_id)
);
CREATE INDEX ix_listen_sessions_podcast_day ON listen_sessions (podcast_id, day);
CREATE INDEX ix_listen_sessions_episode_day ON listen_sessions (episode_id, day);

-- Players may name an episode by its RSS guid; guids are unique per podcast, so the existing index does not serve that.
CREATE INDEX ix_episodes_guid ON episodes (guid);
