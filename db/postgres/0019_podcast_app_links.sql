-- Where a show is listed in apps and directories (Apple Podcasts, Spotify, …), shown on its public web page. JSON
-- text (an object of app name to URL, see Catalog/Podcasts/AppLinks); NULL when the creator set none.

ALTER TABLE podcasts ADD COLUMN app_links TEXT NULL;
