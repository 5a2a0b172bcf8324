-- Chapters the creator writes in the studio or sends with PATCH /api/v1/episodes/{id} (Podcasting 2.0 JSON chapters:
-- start time, title, optional link and image), as JSON text. NULL means none were written: chapters.json, the feed's
-- podcast:chapters and the public page then use the chapters embedded in the delivered media, as before.
ALTER TABLE episodes ADD COLUMN chapters TEXT NULL;
