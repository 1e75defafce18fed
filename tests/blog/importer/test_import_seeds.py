"""Acceptance: importing real articles from elsewhere (the seeds) and our own demo articles.

The seeds are other people's writing, used as test data only: expectations are derived from the
files at run time, never copied here.
"""

import datetime
import html
import os
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import Page, Revision

from blog.importer import import_paths
from blog.models import ArticlePage

pytestmark = pytest.mark.django_db

DEMO_ARTICLES = Path(settings.BASE_DIR) / "demo" / "articles"
SEED_SLUGS = {
    "do-you-have-lead-generation-experience-meaning-explained",
    "what-does-lead-generation-mean",
    "what-does-lead-generation-do",
    "learn-about-lead-generation",
    "what-s-lead-gen",
}
SEED_TAGS = {"business growth", "marketing strategy", "marketing automation"}
GUIDE_URL = "https://leadcraftr.com/posts/lead-generation/"

HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.MULTILINE)
LIST_ITEM = re.compile(r"^ *(?:[-*+]|\d+\.) +", re.MULTILINE)
LINK = re.compile(r"(?<!!)\[[^\]]+\]\(([^)\s]+)\)")


def seeds_folder() -> Path:
    return Path(
        os.environ.get("LEADSITE_SEEDS_DIR") or Path(settings.BASE_DIR).parent / "shared" / "seeds"
    )


@pytest.fixture
def seeds():
    folder = seeds_folder()
    if not folder.is_dir():
        pytest.skip(f"no seed articles at {folder} (set LEADSITE_SEEDS_DIR to run these tests)")
    return folder


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-root"


def seed_sources(folder):
    """(front matter, Markdown body) of each seed file."""
    for path in sorted(folder.glob("*.txt")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        yield yaml.safe_load(front), body


def body_html(page):
    return "".join(str(block.value.source) for block in page.body if block.block_type == "section")


def counts():
    return (Page.objects.count(), Revision.objects.count(), Image.objects.count())


def test_seeds_become_five_published_articles_at_their_original_slugs(seeds):
    report = import_paths([seeds])
    assert report.ok
    assert report.warnings == []  # nothing in them was simplified or left out
    assert set(report.created) == SEED_SLUGS
    assert set(ArticlePage.objects.live().values_list("slug", flat=True)) == SEED_SLUGS


def test_seed_dates_titles_and_heroes_come_from_the_front_matter(seeds):
    import_paths([seeds])
    for front, _ in seed_sources(seeds):
        page = ArticlePage.objects.get(title=front["title"])
        assert page.date == front["date"]
        assert page.first_published_at.date() == front["date"]
        assert (page.hero_image.width, page.hero_image.height) == (1200, 630)
        assert page.hero_image.description == front["title"]


def test_seed_headings_lists_and_links_are_intact(seeds):
    import_paths([seeds])
    for front, body in seed_sources(seeds):
        markup = html.unescape(body_html(ArticlePage.objects.get(title=front["title"])))
        headings = re.findall(r"<h[23]>(.*?)</h[23]>", markup)
        expected = [re.sub(r"\*\*|__", "", h) for h in HEADING.findall(body)]
        assert headings == expected
        assert markup.count("<li>") == len(LIST_ITEM.findall(body))
        for url in LINK.findall(body):
            assert f'href="{url}"' in markup
        assert "<img" not in markup  # the hero is not repeated in the body


def test_seed_tags_are_exactly_the_topics_never_post(seeds):
    import_paths([seeds])
    tags = {tag.name for page in ArticlePage.objects.all() for tag in page.tags.all()}
    assert tags == SEED_TAGS
    assert not Tag.objects.filter(name__iexact="post").exists()


def test_second_seed_import_is_unchanged_and_creates_nothing(seeds):
    import_paths([seeds])
    before = counts()
    report = import_paths([seeds])
    assert sorted(report.unchanged) == sorted(SEED_SLUGS)
    assert report.created == report.updated == report.failed == []
    assert counts() == before


def test_seed_link_to_the_guide_is_unresolved_when_importing_seeds_alone(seeds):
    report = import_paths([seeds])
    assert sorted(report.unresolved_links) == sorted((slug, GUIDE_URL) for slug in SEED_SLUGS)
    page = ArticlePage.objects.get(slug="what-s-lead-gen")
    assert f'<a href="{GUIDE_URL}">' in body_html(page)


def test_seed_link_to_the_guide_becomes_internal_once_demo_articles_are_imported(seeds):
    import_paths([seeds])
    report = import_paths([seeds, DEMO_ARTICLES])
    guide = ArticlePage.objects.get(slug="lead-generation")
    assert sorted(report.updated) == sorted(SEED_SLUGS)
    assert report.unresolved_links == []
    for slug in SEED_SLUGS:
        markup = body_html(ArticlePage.objects.get(slug=slug))
        assert f'<a linktype="page" id="{guide.pk}">' in markup
        assert GUIDE_URL not in markup


def test_served_seed_article_shows_its_headings_and_list_items(client, seeds):
    import_paths([seeds])
    front, body = next(seed_sources(seeds))
    page = ArticlePage.objects.get(title=front["title"])
    response = client.get(f"/posts/{page.slug}/")
    served = html.unescape(response.content.decode())
    assert response.status_code == 200
    for heading in HEADING.findall(body):
        assert re.search(rf"<h[23] id=\"[^\"]+\">{re.escape(heading.replace('**', ''))}</h", served)
    first_item = LIST_ITEM.split(body)[1].splitlines()[0]
    assert re.sub(r"\*\*|__", "", first_item).strip() in re.sub(r"<[^>]+>", "", served)
    assert served.count("<li>") >= len(LIST_ITEM.findall(body))


def test_demo_articles_import_with_every_link_between_them_internal(client):
    report = import_paths([DEMO_ARTICLES])
    assert report.ok and len(report.created) == 9
    assert report.unresolved_links == []
    guide = ArticlePage.objects.get(slug="lead-generation")
    assert guide.date == datetime.date(2026, 3, 3)
    assert guide.summary.startswith("A practical, end-to-end guide to B2B lead generation")
    assert 'href="/posts/' not in body_html(guide)  # every link to an article is a page link
    handoff = ArticlePage.objects.get(slug="marketing-to-sales-handoff")
    assert f'<a linktype="page" id="{handoff.pk}">' in body_html(guide)
    served = client.get("/posts/lead-generation/").content.decode()
    assert 'href="/posts/marketing-to-sales-handoff/"' in served
    assert "<h3" in served and "<ul>" in served
