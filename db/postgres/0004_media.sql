-- Media: resumable uploads (tus) and the assets the pipeline makes from them. The subject is what owns the media
-- (an episode today); the Media module does not know more about it than its kind and id.

CREATE TABLE uploads (
    id            uuid PRIMARY KEY,
    owner_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_kind  text NOT NULL,
    subject_id    uuid NOT NULL,
    length        bigint NOT NULL,
    upload_offset bigint NOT NULL,
    metadata      text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    completed_at  timestamptz NULL,
    asset_id      uuid NULL
);
CREATE INDEX ix_uploads_expiry ON uploads (completed_at, expires_at);

CREATE TABLE media_assets (
    id            uuid PRIMARY KEY,
    subject_kind  text NOT NULL,
    subject_id    uuid NOT NULL,
    profile       text NOT NULL,
    source_key    text NULL,
    source_size   bigint NOT NULL,
    status        text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
    error         text NULL,
    duration_ms   bigint NULL,
    probe         text NULL,
    loudness      text NULL,
    renditions    text NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX ix_media_assets_subject ON media_assets (subject_kind, subject_id, created_at);

ALTER TABLE episodes ADD COLUMN media_asset_id uuid NULL;
