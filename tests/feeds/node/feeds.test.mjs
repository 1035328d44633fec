// Real JavaScript podcast clients read the hub's feeds completely.
// The feeds and a manifest of their expected contents are written by
// tests/feeds/test_node_clients.py into $FEEDS_DIR; run through pytest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parseFeed: partytime } = require("podcast-partytime");
const feedsmith = require("feedsmith");

const dir = process.env.FEEDS_DIR;
if (!dir) {
  throw new Error("FEEDS_DIR is not set: run these through pytest tests/feeds/test_node_clients.py");
}
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const read = (file) => readFileSync(join(dir, file), "utf8");

for (const feed of manifest.podcasts) {
  test(`podcast-partytime reads ${feed.file} without dropping an item`, () => {
    const parsed = partytime(read(feed.file));
    assert.ok(parsed, "partytime could not parse the feed");
    assert.equal(parsed.title, feed.title);
    const items = parsed.items ?? [];
    assert.deepEqual(items.map((item) => item.guid), feed.guids);
    assert.deepEqual(items.map((item) => item.title), feed.titles);
    items.forEach((item, index) => {
      const [url, length, type] = feed.enclosures[index];
      assert.equal(item.enclosure.url, url);
      assert.equal(item.enclosure.length, Number(length));
      assert.ok(item.enclosure.length > 0);
      assert.equal(item.enclosure.type, type);
    });
    const supported = Object.values(parsed.pc20support ?? {}).flat();
    for (const tag of feed.pc20) {
      assert.ok(supported.includes(tag), `pc20support lacks ${tag}: ${JSON.stringify(parsed.pc20support)}`);
    }
    if (feed.hub) {
      assert.ok(JSON.stringify(parsed.pubsub ?? {}).includes(feed.hub), `no WebSub hub in ${JSON.stringify(parsed.pubsub)}`);
    }
    assert.equal(parsed.itunesBlock, feed.blocked === true);
    assert.equal(parsed.explicit, false);
  });

  test(`feedsmith reads ${feed.file} with every namespace`, () => {
    const { format, feed: parsed } = feedsmith.parseFeed(read(feed.file));
    assert.equal(format, "rss");
    assert.equal(parsed.title, feed.title);
    const items = parsed.items ?? [];
    assert.deepEqual(items.map((item) => item.guid?.value), feed.guids);
    assert.deepEqual(items.map((item) => item.title), feed.titles);
    items.forEach((item, index) => {
      const [url, length, type] = feed.enclosures[index];
      assert.deepEqual(item.enclosures?.[0], { url, length: Number(length), type });
      assert.equal(typeof item.itunes?.duration, "number");
    });
    assert.equal(parsed.itunes?.explicit, false);
    assert.ok(parsed.podcast?.locked, "podcast:locked");
    if (feed.pc20.includes("guid")) {
      assert.match(parsed.podcast?.guid ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
}

const richFeed = manifest.podcasts.find((feed) => feed.file === "show.xml");
test("feedsmith sees every Podcasting 2.0 tag of a rich episode", () => {
  const { feed } = feedsmith.parseFeed(read(richFeed.file));
  const rich = feed.items.find((item) => item.podcast?.chapters);
  assert.ok(rich, "no episode with chapters");
  assert.equal(rich.podcast.transcripts.length, 3);
  assert.equal(rich.podcast.chapters.type, "application/json+chapters");
  assert.equal(rich.podcast.soundbites.length, 1);
  assert.ok(rich.podcast.persons.length >= 1);
  assert.equal(rich.podcast.locations[0].country, "at");
  assert.equal(rich.podcast.alternateEnclosures.length, 2);
  assert.equal(rich.psc.chapters.length, 2);
  assert.equal(feed.podcast.fundings?.[0]?.url, "https://example.org/donate", "podcast:funding");
  assert.equal(feed.podcast.medium, "podcast");
  assert.ok(feed.podcast.license, "podcast:license");
});

test("hostile text survives both parsers", () => {
  const hostile = "Amina's <b>kitchen</b> & \u202e]]> 🎙️ مرحبا \u200f";
  assert.ok(richFeed.titles.includes(hostile));
  const { feed } = feedsmith.parseFeed(read(richFeed.file));
  assert.ok(feed.items.some((item) => item.title === hostile), "feedsmith changed the hostile title");
  const parsed = partytime(read(richFeed.file));
  assert.equal(parsed.items.length, richFeed.guids.length);
});

for (const kind of ["atom", "rss"]) {
  for (const feed of manifest[kind]) {
    test(`feedsmith reads the ${kind} stories feed ${feed.file}`, () => {
      const { format, feed: parsed } = feedsmith.parseFeed(read(feed.file));
      assert.equal(format, kind);
      const entries = kind === "atom" ? parsed.entries : parsed.items;
      // Atom titles are text constructs ({ value }), RSS titles plain strings.
      assert.deepEqual(entries.map((entry) => entry.title?.value ?? entry.title), feed.titles);
    });
  }
}

for (const feed of manifest.opml) {
  test(`feedsmith reads the OPML ${feed.file}`, () => {
    const parsed = feedsmith.parseOpml(read(feed.file));
    const outlines = parsed.body?.outlines ?? [];
    assert.deepEqual(outlines.map((outline) => outline.xmlUrl), feed.xmlUrls);
    assert.ok(outlines.every((outline) => outline.type === "rss"));
  });
}
