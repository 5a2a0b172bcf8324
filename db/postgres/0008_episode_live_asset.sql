-- The media an episode delivers (feed enclosure, audio URL): set when processing of an upload succeeds, and kept
-- while a newer upload is processed or if it fails, so a published episode never drops out of its feed.

ALTER TABLE episodes ADD COLUMN live_asset_id uuid NULL;
UPDATE episodes SET live_asset_id = media_asset_id WHERE processed_status = 'ready';
