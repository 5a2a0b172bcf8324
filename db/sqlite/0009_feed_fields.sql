-- Feeds, complete: the Apple and Podcasting 2.0 fields a podcast and its episodes can carry, the feed's version
-- (bumped in the transaction of every change that alters the public feed), and when an episode was announced as
-- gone live. Lists and small objects are JSON text, read and written only by the Catalog module.

ALTER TABLE podcasts ADD COLUMN new_feed_url TEXT NULL;
ALTER TABLE podcasts ADD COLUMN itunes_block INTEGER NOT NULL DEFAULT 0;
ALTER TABLE podcasts ADD COLUMN itunes_complete INTEGER NOT NULL DEFAULT 0;
-- The feed has always said <podcast:locked>no</podcast:locked>; that stays the default.
ALTER TABLE podcasts ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE podcasts ADD COLUMN funding TEXT NULL;
ALTER TABLE podcasts ADD COLUMN persons TEXT NULL;
ALTER TABLE podcasts ADD COLUMN location TEXT NULL;
ALTER TABLE podcasts ADD COLUMN license TEXT NULL;
ALTER TABLE podcasts ADD COLUMN txt TEXT NULL;
ALTER TABLE podcasts ADD COLUMN update_frequency TEXT NULL;
-- podcast:guid is assigned once, from the feed URL of the first feed built, and never changes afterwards.
ALTER TABLE podcasts ADD COLUMN podcast_guid TEXT NULL;
ALTER TABLE podcasts ADD COLUMN feed_version INTEGER NOT NULL DEFAULT 0;

ALTER TABLE episodes ADD COLUMN transcripts TEXT NULL;
ALTER TABLE episodes ADD COLUMN chapters_url TEXT NULL;
ALTER TABLE episodes ADD COLUMN soundbites TEXT NULL;
ALTER TABLE episodes ADD COLUMN persons TEXT NULL;
-- How many chapters the delivered (live) media has, so a feed knows which episodes get a chapters link without
-- asking the media module once per episode.
ALTER TABLE episodes ADD COLUMN media_chapters INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN announced_at TEXT NULL;

-- One-off backfill from what processing recorded for the live media.
UPDATE episodes SET media_chapters = COALESCE((
    SELECT CASE WHEN json_type(probe, '$.chapters') = 'array' THEN json_array_length(probe, '$.chapters') ELSE 0 END
    FROM media_assets WHERE media_assets.id = episodes.live_asset_id), 0)
WHERE live_asset_id IS NOT NULL;

-- Episodes already out in public feeds went live before announcements existed: they are not announced again.
UPDATE episodes SET announced_at = published_at
WHERE published_at IS NOT NULL AND published_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AND live_asset_id IS NOT NULL
  AND podcast_id IN (SELECT id FROM podcasts WHERE published_at IS NOT NULL AND published_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- What the announcer looks for: published episodes not announced yet.
CREATE INDEX ix_episodes_unannounced ON episodes (published_at) WHERE announced_at IS NULL AND published_at IS NOT NULL;
