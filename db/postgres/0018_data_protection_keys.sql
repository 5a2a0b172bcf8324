-- Sign-in keys (ASP.NET Core data protection) shared by every instance (issue #7): a cookie issued by one API
-- process must open in another behind a load balancer without sticky sessions. One row per key, the key's XML as the
-- framework writes it (keys are created, never changed; they expire by their own dates inside the XML).

CREATE TABLE data_protection_keys (
    name       text PRIMARY KEY,
    xml        text NOT NULL,
    created_at timestamptz NOT NULL
);
