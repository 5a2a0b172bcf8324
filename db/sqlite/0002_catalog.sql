-- Catalog: podcasts and their episodes. published_at NULL means draft; a future published_at means scheduled.

CREATE TABLE podcasts (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    author          TEXT NOT NULL,
    owner_name      TEXT NOT NULL,
    owner_email     TEXT NOT NULL,
    language        TEXT NOT NULL,
    category        TEXT NOT NULL,
    subcategory     TEXT NULL,
    explicit        INTEGER NOT NULL,
    podcast_type    TEXT NOT NULL CHECK (podcast_type IN ('episodic', 'serial')),
    website_url     TEXT NULL,
    copyright       TEXT NULL,
    cover_image_key TEXT NULL,
    published_at    TEXT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX ix_podcasts_owner ON podcasts (owner_id, created_at, id);
CREATE INDEX ix_podcasts_published ON podcasts (published_at, created_at, id);

CREATE TABLE episodes (
    id               TEXT PRIMARY KEY,
    podcast_id       TEXT NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    guid             TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    season_number    INTEGER NULL,
    episode_number   INTEGER NULL,
    episode_type     TEXT NOT NULL CHECK (episode_type IN ('full', 'trailer', 'bonus')),
    explicit         INTEGER NOT NULL,
    published_at     TEXT NULL,
    duration_ms      INTEGER NULL,
    file_size_bytes  INTEGER NULL,
    processed_status TEXT NOT NULL CHECK (processed_status IN ('awaiting_upload', 'uploading', 'processing', 'ready', 'failed')),
    processing_error TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (podcast_id, guid)
);
CREATE INDEX ix_episodes_podcast ON episodes (podcast_id, published_at, created_at, id);
