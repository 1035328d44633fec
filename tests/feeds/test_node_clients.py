"""Podcast Index's parser (podcast-partytime) and feedsmith read every feed kind completely.

The feeds are generated here and written to a temporary folder with a manifest of what each
must contain; ``node --test tests/feeds/node/`` then checks them with the real JavaScript
clients (versions pinned in package-lock.json; ``npm ci`` installs them when they are missing).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken, PartnerShowSubscription
from hub.radio.models import EpisodePage, ShowPage

from .conftest import fresh, make_episode, publish, rich_episode

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NODE_TESTS = Path(__file__).resolve().parent / "node"
CLIENTS = ("podcast-partytime", "feedsmith")
HOSTILE_TITLE = "Amina's <b>kitchen</b> & \u202e]]> 🎙️ مرحبا \u200f"
PC20_TAGS = [
    "locked",
    "transcript",
    "funding",
    "chapters",
    "soundbite",
    "person",
    "location",
    "season",
    "episode",
    "license",
    "guid",
    "alternateEnclosure",
    "medium",
]


def ensure_node_clients() -> str:
    node = shutil.which("node")
    npm = shutil.which("npm")
    assert node and npm, "node and npm are needed for the feed client tests (apt-get install nodejs npm)"
    if not all((ROOT / "node_modules" / name / "package.json").exists() for name in CLIENTS):
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, timeout=600)
    return node


def podcast_expectations(body: bytes, name: str, **extra) -> dict:
    channel = etree.fromstring(body).find("channel")
    items = channel.findall("item")
    return {
        "file": name,
        "title": channel.findtext("title"),
        "guids": [item.findtext("guid") for item in items],
        "titles": [item.findtext("title") for item in items],
        "enclosures": [[item.find("enclosure").get(key) for key in ("url", "length", "type")] for item in items],
        **extra,
    }


def write(directory: Path, name: str, body: bytes) -> None:
    (directory / name).write_bytes(body)


def test_javascript_clients_read_every_feed(client, site_tree, show, tmp_path, settings):
    node = ensure_node_clients()
    settings.HUB_WEBSUB_HUB = "https://websub.example.org/"
    ShowPage.objects.filter(pk=show.pk).update(funding_url="https://example.org/donate", funding_text="Support us")
    show = publish(fresh(show))
    rich_episode(show)
    make_episode(show, title="Plain episode")
    make_episode(
        show,
        title="Embargoed",
        partner_release_at=timezone.now() - timezone.timedelta(hours=1),
        public_release_at=timezone.now() + timezone.timedelta(days=2),
    )
    hostile = make_episode(show, title="placeholder")
    EpisodePage.objects.filter(pk=hostile.pk).update(summary=HOSTILE_TITLE)
    page = fresh(hostile)
    page.title = HOSTILE_TITLE
    publish(page)

    partner = PartnerOrganisationFactory(is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=partner, show=show)
    token = PartnerFeedToken(partner=partner, label="node")
    raw = token.set_new_token()
    token.save()

    manifest = {"podcasts": [], "atom": [], "rss": [], "opml": []}
    public = client.get(f"/feeds/shows/{show.pk}.xml").content
    write(tmp_path, "show.xml", public)
    manifest["podcasts"].append(
        podcast_expectations(public, "show.xml", pc20=PC20_TAGS, hub="https://websub.example.org/", blocked=False)
    )
    assert b"Embargoed" not in public
    partner_feed = client.get(f"/feeds/partners/{raw}/feed.xml").content
    write(tmp_path, "partner.xml", partner_feed)
    manifest["podcasts"].append(
        podcast_expectations(partner_feed, "partner.xml", pc20=["locked", "license", "person"], blocked=True)
    )
    assert b"Embargoed" in partner_feed
    for language in ["en", "ar"]:
        other = fresh(site_tree.page("show", language))
        body = client.get(f"/feeds/shows/{other.pk}.xml").content
        write(tmp_path, f"show-{language}-{other.pk}.xml", body)
        manifest["podcasts"].append(podcast_expectations(body, f"show-{language}-{other.pk}.xml", pc20=["guid"]))
        for kind in ("atom", "rss"):
            response = client.get(f"/{language}/feeds/stories.{kind}")
            write(tmp_path, f"stories-{language}.{kind}", response.content)
            manifest[kind].append(
                {"file": f"stories-{language}.{kind}", "titles": [site_tree.page("story", language).title]}
            )
        opml = client.get(f"/{language}/feeds/shows.opml").content
        write(tmp_path, f"shows-{language}.opml", opml)
        xml_urls = [o.get("xmlUrl") for o in etree.fromstring(opml).find("body").findall("outline")]
        manifest["opml"].append({"file": f"shows-{language}.opml", "xmlUrls": xml_urls})
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))

    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", str(NODE_TESTS)],
        cwd=ROOT,
        env={**os.environ, "FEEDS_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(result.stdout[-6000:])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "# fail 0" in result.stdout or "fail 0" in result.stdout
