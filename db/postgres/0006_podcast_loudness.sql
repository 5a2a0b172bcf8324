-- Per-podcast loudness preferences: normalise or not, and an integrated target (NULL: the server's default).

ALTER TABLE podcasts ADD COLUMN normalize_loudness boolean NOT NULL DEFAULT true;
ALTER TABLE podcasts ADD COLUMN loudness_target_lufs double precision NULL;
