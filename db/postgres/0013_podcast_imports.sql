-- Imports of existing shows from their RSS feeds. A podcast_imports row is one run (re-running an import of the same
-- feed by the same creator adds only the episodes whose guid is new); podcast_import_items is the audio (and
-- artwork) each new episode still has to fetch, worked through by durable jobs.

CREATE TABLE podcast_imports (
    id            uuid PRIMARY KEY,
    owner_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    podcast_id    uuid NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    feed_url      text NOT NULL,
    items_in_feed integer NOT NULL,
    items_new     integer NOT NULL,
    warnings      text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX ix_podcast_imports_feed ON podcast_imports (owner_id, feed_url, created_at);
CREATE INDEX ix_podcast_imports_podcast ON podcast_imports (podcast_id);

CREATE TABLE podcast_import_items (
    import_id   uuid NOT NULL REFERENCES podcast_imports (id) ON DELETE CASCADE,
    episode_id  uuid NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    audio_url   text NOT NULL,
    image_url   text NULL,
    state       text NOT NULL CHECK (state IN ('pending', 'downloading', 'stored', 'failed')),
    bytes_total bigint NULL,
    bytes_done  bigint NOT NULL,
    error       text NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (import_id, episode_id)
);
CREATE INDEX ix_podcast_import_items_episode ON podcast_import_items (episode_id);
