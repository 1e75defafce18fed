"""Feeds, sitemap and robots.txt: what readers' apps and crawlers get."""

import datetime

import pytest
from defusedxml import ElementTree as ET

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(article_index):
    return [
        make_article(
            article_index,
            "Older piece",
            date=datetime.date(2026, 1, 5),
            tags=["lead generation"],
            summary="Older <b>summary</b> & more.",
        ),
        make_article(article_index, "Newer piece", date=datetime.date(2026, 6, 7), tags=["sales"]),
        make_article(article_index, "Draft piece", live=False, tags=["lead generation"]),
    ]


def parse_rss(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.attrib["version"] == "2.0"
    return root.find("channel")


def test_feed_is_rss2_with_live_articles_newest_first(client, articles):
    channel = parse_rss(client.get("/feed/"))
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Newer piece", "Older piece"]
    older = items[1]
    assert older.findtext("link") == "http://testserver/posts/older-piece/"
    assert older.findtext("description") == "Older <b>summary</b> & more."
    assert older.findtext("pubDate").startswith("Mon, 05 Jan 2026")
    assert [c.text for c in older.findall("category")] == ["lead generation"]


def test_tag_feed_has_only_that_topic(client, articles):
    channel = parse_rss(client.get("/tags/lead-generation/feed/"))
    assert [item.findtext("title") for item in channel.findall("item")] == ["Older piece"]
    assert channel.findtext("link") == "http://testserver/tags/lead-generation/"


def test_sitemap_lists_pages_and_topics_but_not_drafts(client, articles):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", ns)}
    assert {
        "http://testserver/",
        "http://testserver/posts/",
        "http://testserver/posts/older-piece/",
        "http://testserver/posts/newer-piece/",
        "http://testserver/tags/lead-generation/",
        "http://testserver/tags/sales/",
    } <= locations
    assert not any("draft-piece" in loc for loc in locations)


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, site_tree):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_pages_advertise_the_feed(client, articles):
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
