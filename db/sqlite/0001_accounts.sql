-- Accounts: people, their sign-in sessions and personal API tokens.
-- SQLite stores ids as text UUIDs and times as fixed-width UTC ISO 8601 text (see DapperSetup).

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    display_name     TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('creator', 'listener', 'admin')),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    disabled_at      TEXT NULL
);

-- A sign-in: a bearer access/refresh token pair, or a browser cookie. Tokens are stored as SHA-256 hashes.
CREATE TABLE auth_sessions (
    id                          TEXT PRIMARY KEY,
    user_id                     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind                        TEXT NOT NULL CHECK (kind IN ('token', 'cookie')),
    access_token_hash           TEXT NULL UNIQUE,
    access_expires_at           TEXT NOT NULL,
    refresh_token_hash          TEXT NULL UNIQUE,
    previous_refresh_token_hash TEXT NULL,
    refresh_expires_at          TEXT NOT NULL,
    created_at                  TEXT NOT NULL,
    revoked_at                  TEXT NULL
);
CREATE INDEX ix_auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX ix_auth_sessions_previous_refresh ON auth_sessions (previous_refresh_token_hash);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NULL,
    last_used_at TEXT NULL,
    revoked_at   TEXT NULL
);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);
