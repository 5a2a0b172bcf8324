-- Built feeds, served as stored bytes: one row per podcast, base URL and page (page 1 is the whole feed unless
-- Feeds:PageSize splits it). Rebuilt when the podcast's feed_version moves past the version a row was built from.

CREATE TABLE stored_feeds (
    podcast_id    TEXT NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    base_url      TEXT NOT NULL,
    page          INTEGER NOT NULL,
    page_count    INTEGER NOT NULL,
    page_size     INTEGER NOT NULL,
    feed_version  INTEGER NOT NULL,
    -- SHA-256 of the body without its lastBuildDate: a rebuild that changes nothing else keeps the stored row.
    content_hash  TEXT NOT NULL,
    etag          TEXT NOT NULL,
    body          BLOB NOT NULL,
    body_gzip     BLOB NOT NULL,
    body_brotli   BLOB NOT NULL,
    last_modified TEXT NOT NULL,
    built_at      TEXT NOT NULL,
    PRIMARY KEY (podcast_id, base_url, page)
);
