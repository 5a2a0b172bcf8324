-- Delivery log: one row per request for media, to the stable audio URLs (kind 'redirect') and to the media origin
-- (kind 'origin'), whatever the answer. Appended in batches by the server, read by analytics, and deleted after
-- Delivery:LogRetention (7 days by default) because client_ip is a raw address (ADR 0009). No foreign keys: rows
-- outlive the episodes and files they mention, and appending must never wait on other tables.

CREATE TABLE delivery_log (
    id                  uuid PRIMARY KEY,
    request_id          text NOT NULL,
    occurred_at         timestamptz NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('redirect', 'origin')),
    method              text NOT NULL,
    path                text NOT NULL,
    status              integer NOT NULL,
    episode_id          uuid NULL,
    blob_key            text NULL,
    rendition           text NULL,
    redirect_target     text NULL CHECK (redirect_target IN ('origin', 'cdn', 'storage')),
    client_ip           text NULL,
    user_agent          text NULL,
    referer             text NULL,
    range_header        text NULL,
    first_byte          bigint NULL,
    bytes_served        bigint NOT NULL,
    content_length      bigint NULL,
    completed           boolean NOT NULL,
    playback_session_id text NULL,
    duration_ms         integer NOT NULL
);
CREATE INDEX ix_delivery_log_occurred_at ON delivery_log (occurred_at);
