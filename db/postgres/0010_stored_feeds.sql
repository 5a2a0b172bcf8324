-- Built feeds, served as stored bytes: one row per podcast, base URL and page (page 1 is the whole feed unless
-- Feeds:PageSize splits it). Rebuilt when the podcast's feed_version moves past the version a row was built from.

CREATE TABLE stored_feeds (
    podcast_id    uuid NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    base_url      text NOT NULL,
    page          integer NOT NULL,
    page_count    integer NOT NULL,
    page_size     integer NOT NULL,
    feed_version  bigint NOT NULL,
    -- SHA-256 of the body without its lastBuildDate: a rebuild that changes nothing else keeps the stored row.
    content_hash  text NOT NULL,
    etag          text NOT NULL,
    body          bytea NOT NULL,
    body_gzip     bytea NOT NULL,
    body_brotli   bytea NOT NULL,
    last_modified timestamptz NOT NULL,
    built_at      timestamptz NOT NULL,
    PRIMARY KEY (podcast_id, base_url, page)
);

-- Bodies are stored as they are: the XML is read far more often than written, and the gzip and Brotli forms are
-- already compressed, so TOAST compression would only cost CPU on every rebuild.
ALTER TABLE stored_feeds ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE stored_feeds ALTER COLUMN body_gzip SET STORAGE EXTERNAL;
ALTER TABLE stored_feeds ALTER COLUMN body_brotli SET STORAGE EXTERNAL;
