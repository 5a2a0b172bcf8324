-- The transactional outbox (events written with the change they report) and durable jobs with leases.

CREATE TABLE outbox_events (
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    occurred_at   TEXT NOT NULL,
    available_at  TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    last_error    TEXT NULL,
    dispatched_at TEXT NULL,
    dead_at       TEXT NULL
);
CREATE INDEX ix_outbox_events_due ON outbox_events (dispatched_at, dead_at, available_at);

CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    subject_key      TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempts         INTEGER NOT NULL,
    max_attempts     INTEGER NOT NULL,
    run_after        TEXT NOT NULL,
    lease_owner      TEXT NULL,
    lease_expires_at TEXT NULL,
    step             TEXT NULL,
    progress         INTEGER NULL,
    last_error       TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    finished_at      TEXT NULL,
    UNIQUE (kind, subject_key)
);
CREATE INDEX ix_jobs_due ON jobs (kind, status, run_after);
