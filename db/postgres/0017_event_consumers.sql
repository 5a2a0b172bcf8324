-- Event consumers (issue #7, scale-out). processed_events: one row per consumer group and event it handled, written
-- in the transaction that finishes the handling, so a redelivered event (RabbitMQ delivers at least once, the outbox
-- relay retries) is recognised and not handled twice. event_stream_offsets: where each consumer group stands in an
-- event stream (RabbitMQ stream offsets), kept with the handled events so a restart resumes where the last commit
-- left off, and an operator can move it back to replay.

CREATE TABLE processed_events (
    consumer_group text NOT NULL,
    event_id       uuid NOT NULL,
    processed_at   timestamptz NOT NULL,
    PRIMARY KEY (consumer_group, event_id)
);
CREATE INDEX ix_processed_events_age ON processed_events (processed_at);

CREATE TABLE event_stream_offsets (
    consumer_group text NOT NULL,
    stream         text NOT NULL,
    next_offset    bigint NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (consumer_group, stream)
);
