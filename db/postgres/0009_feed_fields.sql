-- Feeds, complete: the Apple and Podcasting 2.0 fields a podcast and its episodes can carry, the feed's version
-- (bumped in the transaction of every change that alters the public feed), and when an episode was announced as
-- gone live. Lists and small objects are JSON text, read and written only by the Catalog module.

ALTER TABLE podcasts ADD COLUMN new_feed_url text NULL;
ALTER TABLE podcasts ADD COLUMN itunes_block boolean NOT NULL DEFAULT false;
ALTER TABLE podcasts ADD COLUMN itunes_complete boolean NOT NULL DEFAULT false;
-- The feed has always said <podcast:locked>no</podcast:locked>; that stays the default.
ALTER TABLE podcasts ADD COLUMN locked boolean NOT NULL DEFAULT false;
ALTER TABLE podcasts ADD COLUMN funding text NULL;
ALTER TABLE podcasts ADD COLUMN persons text NULL;
ALTER TABLE podcasts ADD COLUMN location text NULL;
ALTER TABLE podcasts ADD COLUMN license text NULL;
ALTER TABLE podcasts ADD COLUMN txt text NULL;
ALTER TABLE podcasts ADD COLUMN update_frequency text NULL;
-- podcast:guid is assigned once, from the feed URL of the first feed built, and never changes afterwards.
ALTER TABLE podcasts ADD COLUMN podcast_guid uuid NULL;
ALTER TABLE podcasts ADD COLUMN feed_version bigint NOT NULL DEFAULT 0;

ALTER TABLE episodes ADD COLUMN transcripts text NULL;
ALTER TABLE episodes ADD COLUMN chapters_url text NULL;
ALTER TABLE episodes ADD COLUMN soundbites text NULL;
ALTER TABLE episodes ADD COLUMN persons text NULL;
-- How many chapters the delivered (live) media has, so a feed knows which episodes get a chapters link without
-- asking the media module once per episode.
ALTER TABLE episodes ADD COLUMN media_chapters integer NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN announced_at timestamptz NULL;

-- One-off backfill from what processing recorded for the live media.
UPDATE episodes e SET media_chapters = COALESCE((
    SELECT CASE WHEN json_typeof(a.probe::json -> 'chapters') = 'array' THEN json_array_length(a.probe::json -> 'chapters') ELSE 0 END
    FROM media_assets a WHERE a.id = e.live_asset_id), 0)
WHERE e.live_asset_id IS NOT NULL;

-- Episodes already out in public feeds went live before announcements existed: they are not announced again.
UPDATE episodes SET announced_at = published_at
WHERE published_at IS NOT NULL AND published_at <= now() AND live_asset_id IS NOT NULL
  AND podcast_id IN (SELECT id FROM podcasts WHERE published_at IS NOT NULL AND published_at <= now());

-- What the announcer looks for: published episodes not announced yet.
CREATE INDEX ix_episodes_unannounced ON episodes (published_at) WHERE announced_at IS NULL AND published_at IS NOT NULL;
