-- Media: resumable uploads (tus) and the assets the pipeline makes from them. The subject is what owns the media
-- (an episode today); the Media module does not know more about it than its kind and id.

CREATE TABLE uploads (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    length        INTEGER NOT NULL,
    upload_offset INTEGER NOT NULL,
    metadata      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    completed_at  TEXT NULL,
    asset_id      TEXT NULL
);
CREATE INDEX ix_uploads_expiry ON uploads (completed_at, expires_at);

CREATE TABLE media_assets (
    id            TEXT PRIMARY KEY,
    subject_kind  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    profile       TEXT NOT NULL,
    source_key    TEXT NULL,
    source_size   INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
    error         TEXT NULL,
    duration_ms   INTEGER NULL,
    probe         TEXT NULL,
    loudness      TEXT NULL,
    renditions    TEXT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX ix_media_assets_subject ON media_assets (subject_kind, subject_id, created_at);

ALTER TABLE episodes ADD COLUMN media_asset_id TEXT NULL;
