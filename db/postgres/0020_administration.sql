-- Administration (ADR 0018): disabling accounts and taking content down, each kept as a record of who did it, when
-- and why. The current state sits on the row it governs (users.disabled_*, podcasts/episodes.taken_down_*), so every
-- visibility check reads one row; the history sits in account_actions and takedowns, which are never updated or
-- deleted and have no foreign keys: the record outlives an account or episode deleted later.

ALTER TABLE users ADD COLUMN disabled_reason text NULL;
ALTER TABLE users ADD COLUMN disabled_by uuid NULL;

CREATE TABLE account_actions (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL,
    action      text NOT NULL CHECK (action IN ('disable', 'enable')),
    reason      text NULL,
    actor_id    uuid NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX ix_account_actions_user ON account_actions (user_id, created_at);

ALTER TABLE podcasts ADD COLUMN taken_down_at timestamptz NULL;
ALTER TABLE podcasts ADD COLUMN takedown_kind text NULL;
ALTER TABLE podcasts ADD COLUMN takedown_reason text NULL;
ALTER TABLE episodes ADD COLUMN taken_down_at timestamptz NULL;
ALTER TABLE episodes ADD COLUMN takedown_kind text NULL;
ALTER TABLE episodes ADD COLUMN takedown_reason text NULL;

CREATE TABLE takedowns (
    id            uuid PRIMARY KEY,
    action        text NOT NULL CHECK (action IN ('takedown', 'restore')),
    subject_kind  text NOT NULL CHECK (subject_kind IN ('episode', 'podcast')),
    subject_id    uuid NOT NULL,
    subject_title text NOT NULL,
    podcast_id    uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('dmca', 'abuse', 'other')),
    reason        text NOT NULL,
    actor_id      uuid NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX ix_takedowns_created ON takedowns (created_at, id);
CREATE INDEX ix_takedowns_subject ON takedowns (subject_id, created_at);

-- The media files the origin answers 410 for: every rendition of a taken-down episode (or of each episode of a
-- taken-down podcast), one row per file and takedown subject, so lifting one takedown does not release a file another
-- still withholds. Files are content-addressed: identical bytes uploaded elsewhere are withheld too, on purpose.
CREATE TABLE withheld_media (
    blob_key    text NOT NULL,
    subject_id  uuid NOT NULL,
    withheld_at timestamptz NOT NULL,
    PRIMARY KEY (blob_key, subject_id)
);
CREATE INDEX ix_withheld_media_subject ON withheld_media (subject_id);
