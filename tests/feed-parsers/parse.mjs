// Reads an RSS feed the way podcast apps and directories do, with two independent parsers, and prints what each
// understood as one JSON object: { "partytime": ..., "rss_parser": ... }.
// Usage: node parse.mjs FEED.xml   (the C# integration tests run it on feeds Airwave served)
import { readFile } from "node:fs/promises";
import pt from "podcast-partytime";
import Parser from "rss-parser";

const path = process.argv[2];
if (!path) {
  console.error("usage: node parse.mjs FEED.xml");
  process.exit(2);
}

const xml = await readFile(path, "utf8");
// Podcast Index's parser: reads the itunes and podcast (Podcasting 2.0) namespaces.
const partytime = pt.parseFeed(xml, { allowMissingGuid: false });
// A general RSS parser: RSS 2.0 and itunes, plus the podcast tags it is told about.
const rssParser = await new Parser({
  customFields: {
    feed: [["podcast:guid", "podcastGuid"], ["podcast:locked", "podcastLocked"], ["podcast:medium", "podcastMedium"],
      ["podcast:updateFrequency", "podcastUpdateFrequency"], ["atom:link", "atomLinks", { keepArray: true }], ["generator", "generator"],
      ["copyright", "copyright"], ["lastBuildDate", "lastBuildDate"]],
    item: [["podcast:transcript", "podcastTranscripts", { keepArray: true }], ["podcast:chapters", "podcastChapters"],
      ["podcast:soundbite", "podcastSoundbites", { keepArray: true }], ["podcast:alternateEnclosure", "podcastAlternateEnclosure"],
      ["content:encoded", "contentEncoded"]],
  },
}).parseString(xml);

process.stdout.write(JSON.stringify({ partytime, rss_parser: rssParser }, null, 2));
