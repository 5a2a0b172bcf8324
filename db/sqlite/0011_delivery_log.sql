-- Delivery log: one row per request for media, to the stable audio URLs (kind 'redirect') and to the media origin
-- (kind 'origin'), whatever the answer. Appended in batches by the server, read by analytics, and deleted after
-- Delivery:LogRetention (7 days by default) because client_ip is a raw address (ADR 0009). No foreign keys: rows
-- outlive the episodes and files they mention, and appending must never wait on other tables.

CREATE TABLE delivery_log (
    id                  TEXT PRIMARY KEY,
    request_id          TEXT NOT NULL,
    occurred_at         TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('redirect', 'origin')),
    method              TEXT NOT NULL,
    path                TEXT NOT NULL,
    status              INTEGER NOT NULL,
    episode_id          TEXT NULL,
    blob_key            TEXT NULL,
    rendition           TEXT NULL,
    redirect_target     TEXT NULL CHECK (redirect_target IN ('origin', 'cdn', 'storage')),
    client_ip           TEXT NULL,
    user_agent          TEXT NULL,
    referer             TEXT NULL,
    range_header        TEXT NULL,
    first_byte          INTEGER NULL,
    bytes_served        INTEGER NOT NULL,
    content_length      INTEGER NULL,
    completed           INTEGER NOT NULL,
    playback_session_id TEXT NULL,
    duration_ms         INTEGER NOT NULL
);
CREATE INDEX ix_delivery_log_occurred_at ON delivery_log (occurred_at);
