-- Catalog: podcasts and their episodes. published_at NULL means draft; a future published_at means scheduled.

CREATE TABLE podcasts (
    id              uuid PRIMARY KEY,
    owner_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title           text NOT NULL,
    description     text NOT NULL,
    author          text NOT NULL,
    owner_name      text NOT NULL,
    owner_email     text NOT NULL,
    language        text NOT NULL,
    category        text NOT NULL,
    subcategory     text NULL,
    explicit        boolean NOT NULL,
    podcast_type    text NOT NULL CHECK (podcast_type IN ('episodic', 'serial')),
    website_url     text NULL,
    copyright       text NULL,
    cover_image_key text NULL,
    published_at    timestamptz NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX ix_podcasts_owner ON podcasts (owner_id, created_at, id);
CREATE INDEX ix_podcasts_published ON podcasts (published_at, created_at, id);

CREATE TABLE episodes (
    id               uuid PRIMARY KEY,
    podcast_id       uuid NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    guid             text NOT NULL,
    title            text NOT NULL,
    description      text NOT NULL,
    season_number    integer NULL,
    episode_number   integer NULL,
    episode_type     text NOT NULL CHECK (episode_type IN ('full', 'trailer', 'bonus')),
    explicit         boolean NOT NULL,
    published_at     timestamptz NULL,
    duration_ms      bigint NULL,
    file_size_bytes  bigint NULL,
    processed_status text NOT NULL CHECK (processed_status IN ('awaiting_upload', 'uploading', 'processing', 'ready', 'failed')),
    processing_error text NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (podcast_id, guid)
);
CREATE INDEX ix_episodes_podcast ON episodes (podcast_id, published_at, created_at, id);
