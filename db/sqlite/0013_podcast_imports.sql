-- Imports of existing shows from their RSS feeds. A podcast_imports row is one run (re-running an import of the same
-- feed by the same creator adds only the episodes whose guid is new); podcast_import_items is the audio (and
-- artwork) each new episode still has to fetch, worked through by durable jobs.

CREATE TABLE podcast_imports (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    podcast_id    TEXT NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    feed_url      TEXT NOT NULL,
    items_in_feed INTEGER NOT NULL,
    items_new     INTEGER NOT NULL,
    warnings      TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX ix_podcast_imports_feed ON podcast_imports (owner_id, feed_url, created_at);
CREATE INDEX ix_podcast_imports_podcast ON podcast_imports (podcast_id);

CREATE TABLE podcast_import_items (
    import_id   TEXT NOT NULL REFERENCES podcast_imports (id) ON DELETE CASCADE,
    episode_id  TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    audio_url   TEXT NOT NULL,
    image_url   TEXT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'downloading', 'stored', 'failed')),
    bytes_total INTEGER NULL,
    bytes_done  INTEGER NOT NULL,
    error       TEXT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (import_id, episode_id)
);
CREATE INDEX ix_podcast_import_items_episode ON podcast_import_items (episode_id);
