-- Episodes may have their own cover art (a set of renders in blob storage, like the podcast's).

ALTER TABLE episodes ADD COLUMN cover_image_key text NULL;
