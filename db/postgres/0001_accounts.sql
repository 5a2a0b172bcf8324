-- Accounts: people, their sign-in sessions and personal API tokens.

CREATE TABLE users (
    id               uuid PRIMARY KEY,
    email            text NOT NULL,
    email_normalized text NOT NULL UNIQUE,
    display_name     text NOT NULL,
    password_hash    text NOT NULL,
    role             text NOT NULL CHECK (role IN ('creator', 'listener', 'admin')),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    disabled_at      timestamptz NULL
);

-- A sign-in: a bearer access/refresh token pair, or a browser cookie. Tokens are stored as SHA-256 hashes.
CREATE TABLE auth_sessions (
    id                          uuid PRIMARY KEY,
    user_id                     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind                        text NOT NULL CHECK (kind IN ('token', 'cookie')),
    access_token_hash           text NULL UNIQUE,
    access_expires_at           timestamptz NOT NULL,
    refresh_token_hash          text NULL UNIQUE,
    previous_refresh_token_hash text NULL,
    refresh_expires_at          timestamptz NOT NULL,
    created_at                  timestamptz NOT NULL,
    revoked_at                  timestamptz NULL
);
CREATE INDEX ix_auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX ix_auth_sessions_previous_refresh ON auth_sessions (previous_refresh_token_hash);

CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    scopes       text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NULL,
    last_used_at timestamptz NULL,
    revoked_at   timestamptz NULL
);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);
