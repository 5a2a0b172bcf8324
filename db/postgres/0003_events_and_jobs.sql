-- The transactional outbox (events written with the change they report) and durable jobs with leases.

CREATE TABLE outbox_events (
    id            uuid PRIMARY KEY,
    type          text NOT NULL,
    payload       text NOT NULL,
    occurred_at   timestamptz NOT NULL,
    available_at  timestamptz NOT NULL,
    attempts      integer NOT NULL,
    last_error    text NULL,
    dispatched_at timestamptz NULL,
    dead_at       timestamptz NULL
);
CREATE INDEX ix_outbox_events_due ON outbox_events (dispatched_at, dead_at, available_at);

CREATE TABLE jobs (
    id               uuid PRIMARY KEY,
    kind             text NOT NULL,
    subject_key      text NOT NULL,
    payload          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempts         integer NOT NULL,
    max_attempts     integer NOT NULL,
    run_after        timestamptz NOT NULL,
    lease_owner      text NULL,
    lease_expires_at timestamptz NULL,
    step             text NULL,
    progress         integer NULL,
    last_error       text NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    finished_at      timestamptz NULL,
    UNIQUE (kind, subject_key)
);
CREATE INDEX ix_jobs_due ON jobs (kind, status, run_after);
