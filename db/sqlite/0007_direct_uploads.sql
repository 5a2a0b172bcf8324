-- Uploads sent straight to S3-compatible storage: the storage's multipart upload id (NULL for tus uploads).

ALTER TABLE uploads ADD COLUMN direct_upload_id TEXT NULL;
