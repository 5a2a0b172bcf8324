-- tus uploads whose bytes live in the blob store, not on the disk of the instance that took them (issue #7, ADR
-- 0020): each PATCH stores its bytes as one chunk object, recorded here. A row is written before its object (length
-- NULL: not acknowledged), so a crash between the two leaves a key to clean up rather than an object nobody knows;
-- its length is set in the same transaction that moves uploads.upload_offset past it, so an acknowledged chunk is
-- always a recorded one. On completion the chunks are joined into the upload's source and deleted with their rows.

CREATE TABLE upload_chunks (
    chunk_key    text PRIMARY KEY,
    upload_id    uuid NOT NULL,
    start_offset bigint NOT NULL,
    length       bigint NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX ix_upload_chunks_upload ON upload_chunks (upload_id, start_offset);
