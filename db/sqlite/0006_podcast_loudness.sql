-- Per-podcast loudness preferences: normalise or not, and an integrated target (NULL: the server's default).

ALTER TABLE podcasts ADD COLUMN normalize_loudness INTEGER NOT NULL DEFAULT 1;
ALTER TABLE podcasts ADD COLUMN loudness_target_lufs REAL NULL;
