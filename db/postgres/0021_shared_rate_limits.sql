-- Rate limits that hold across every API instance (issue #7, ADR 0021): one counter per policy, client and fixed
-- window, upserted atomically by whichever instance takes the request. The client is never stored as its address:
-- partition_key is an HMAC of it under rate_limit_keys' secret. Windows are numbered in Unix seconds (window_start)
-- so the key compares the same in both databases; rows whose window has ended are pruned.

CREATE TABLE rate_limit_counters (
    policy        text NOT NULL,
    partition_key text NOT NULL,
    window_start  bigint NOT NULL,
    window_end    bigint NOT NULL,
    hits          bigint NOT NULL,
    PRIMARY KEY (policy, partition_key, window_start)
);
CREATE INDEX ix_rate_limit_counters_end ON rate_limit_counters (window_end);

CREATE TABLE rate_limit_keys (
    name       text PRIMARY KEY,
    secret     text NOT NULL,
    created_at timestamptz NOT NULL
);
