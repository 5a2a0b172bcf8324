-- Private feeds for premium listeners. A premium episode is left out of the public feed and its audio needs a
-- subscriber's token; podcast_subscribers holds one row per subscription. Only the SHA-256 of the subscriber's
-- token is stored (the token is shown once, in its private feed URL); token_prefix lets a creator tell rows apart.
-- A revoked row stays (for the record) with revoked_at set; only one active subscription per e-mail and podcast.

ALTER TABLE episodes ADD COLUMN premium boolean NOT NULL DEFAULT false;

CREATE TABLE podcast_subscribers (
    id              uuid PRIMARY KEY,
    podcast_id      uuid NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    email           text NOT NULL,
    name            text NULL,
    token_hash      text NOT NULL UNIQUE,
    token_prefix    text NOT NULL,
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz NULL,
    last_fetched_at timestamptz NULL
);
CREATE INDEX ix_podcast_subscribers_podcast ON podcast_subscribers (podcast_id, created_at, id);
CREATE UNIQUE INDEX ux_podcast_subscribers_active_email ON podcast_subscribers (podcast_id, lower(email)) WHERE revoked_at IS NULL;
