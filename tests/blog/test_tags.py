"""Topic pages: /tags/ with counts, /tags/<slug>/ archives, 404 for unknown topics."""

import datetime
import re

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_tag_index_lists_topics_with_article_counts(client, article_index):
    make_article(article_index, "One", tags=["lead generation", "content marketing"])
    make_article(article_index, "Two", tags=["lead generation"])
    html = client.get("/tags/").content.decode()
    assert (
        'href="/tags/lead-generation/">Lead Generation</a> <span class="count">2 articles' in html
    )
    assert (
        'href="/tags/content-marketing/">Content Marketing</a> <span class="count">1 article<'
        in html
    )


def test_tag_index_ignores_topics_only_used_by_drafts(client, article_index):
    make_article(article_index, "Draft", tags=["secret project"], live=False)
    assert "secret project" not in client.get("/tags/").content.decode()
    assert client.get("/tags/secret-project/").status_code == 404


def test_tag_archive_lists_only_that_topics_articles_newest_first(client, article_index):
    make_article(article_index, "Old on topic", tags=["sales"], date=datetime.date(2025, 1, 1))
    make_article(article_index, "New on topic", tags=["sales"], date=datetime.date(2026, 1, 1))
    make_article(article_index, "Off topic", tags=["other"])
    response = client.get("/tags/sales/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Sales</h1>" in html
    assert html.index("New on topic") < html.index("Old on topic")
    assert "Off topic" not in html


def test_tag_archive_is_paginated_and_tolerates_junk(client, article_index):
    for day in range(1, 14):
        make_article(
            article_index, f"Topic day {day:02d}", tags=["t"], date=datetime.date(2026, 2, day)
        )
    assert client.get("/tags/t/?page=2").content.decode().count('class="card"') == 1
    assert client.get("/tags/t/?page=abc").status_code == 200
    assert client.get("/tags/t/?page=999").content.decode().count('class="card"') == 1


def test_unknown_tag_is_404(client, site_tree):
    assert client.get("/tags/no-such-topic/").status_code == 404
    assert client.get("/tags/no-such-topic/feed/").status_code == 404


# Topics and slugs with letters beyond ASCII: taggit and Wagtail keep them in the slug
# (`français`), so every URL built from one must resolve, and be sent percent-encoded.

FRENCH = "/tags/fran%C3%A7ais/"  # what a browser sends for /tags/français/


def hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


def test_topic_with_non_ascii_letters_links_to_an_archive_that_answers(client, article_index):
    make_article(article_index, "Écrire en français", tags=["Français"])
    index_html = client.get("/tags/").content.decode()
    assert FRENCH in hrefs(index_html)
    response = client.get(FRENCH)
    assert response.status_code == 200
    assert "Écrire en français" in response.content.decode()


def test_topic_with_non_ascii_letters_has_a_feed(client, article_index):
    make_article(article_index, "Écrire en français", tags=["Français"])
    archive = client.get(FRENCH).content.decode()
    feed_url = FRENCH + "feed/"
    assert feed_url in hrefs(archive)
    feed = client.get(feed_url)
    assert feed.status_code == 200
    assert "Écrire en français" in feed.content.decode()
    assert f"<link>http://testserver{FRENCH}</link>" in feed.content.decode()


def test_article_links_to_its_non_ascii_topics(client, article_index):
    article = make_article(article_index, "Tagged", tags=["Español", "日本語"])
    links = hrefs(client.get(article.url).content.decode())
    for slug in ("espa%C3%B1ol", "%E6%97%A5%E6%9C%AC%E8%AA%9E"):
        assert f"/tags/{slug}/" in links
        assert client.get(f"/tags/{slug}/").status_code == 200


def test_sitemap_lists_non_ascii_topics_and_pages_as_urls_that_answer(client, article_index):
    make_article(article_index, "Crème", slug="crème-brûlée", tags=["Français"])
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert all(location.isascii() for location in locations), locations
    paths = [location.removeprefix("http://testserver") for location in locations]
    assert FRENCH in paths
    assert "/posts/cr%C3%A8me-br%C3%BBl%C3%A9e/" in paths
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_topic_url_in_another_unicode_normal_form_finds_the_topic(client, article_index):
    make_article(article_index, "Écrire", tags=["Français"])
    decomposed = "/tags/franc%CC%A7ais/"  # c + combining cedilla (NFD), as some systems type
    response = client.get(decomposed)
    assert response.status_code == 200
    canonical = f'<link rel="canonical" href="http://testserver{FRENCH}">'
    assert canonical in response.content.decode()


def test_unknown_or_malformed_unicode_topic_is_404(client, site_tree):
    for path in (
        "/tags/inconnu-%C3%A9/",
        "/tags/%E2%80%AE/",  # a right-to-left override
        "/tags/%F0%9F%98%80/feed/",
        "/tags/%FF%FE/",  # not UTF-8
        "/tags/%00/feed/",  # NUL, which PostgreSQL refuses in a query
    ):
        assert client.get(path).status_code == 404, path


def test_topic_without_letters_does_not_break_the_article_that_shows_it(client, article_index):
    article = make_article(article_index, "Shouting", tags=["!!!", "🚀"])  # empty slugs
    assert client.get(article.url).status_code == 200
    assert client.get("/tags/").status_code == 200


def test_topic_archive_shows_its_description(client, article_index):
    from taggit.models import Tag

    from blog.models import TopicDescription

    make_article(article_index, "On topic", tags=["lead generation"])
    TopicDescription.objects.create(
        tag=Tag.objects.get(name="lead generation"),
        description="How B2B sites turn readers into leads.",
    )
    html = client.get("/tags/lead-generation/").content.decode()
    assert '<p class="lede topic-intro">How B2B sites turn readers into leads.</p>' in html
    assert '<meta name="description" content="How B2B sites turn readers into leads.">' in html


def test_topic_archive_shows_the_topics_cta(client, article_index):
    from taggit.models import Tag

    from leads.models import TopicCTA
    from tests.factories import make_cta

    make_article(article_index, "On topic", tags=["lead generation"])
    cta = make_cta("newsletter", headline="The Qualified Lead, every other Tuesday")
    TopicCTA.objects.create(tag=Tag.objects.get(name="lead generation"), cta=cta)
    html = client.get("/tags/lead-generation/").content.decode()
    assert "The Qualified Lead, every other Tuesday" in html
    assert f'action="/leads/cta/{cta.pk}/submit/"' in html


def test_topic_archive_without_description_or_cta_shows_the_articles(client, article_index):
    make_article(article_index, "On topic", tags=["sales"])
    html = client.get("/tags/sales/").content.decode()
    assert "topic-intro" not in html
    assert "data-lead-form" not in html
    assert "On topic" in html


def test_topic_names_show_in_title_case_keeping_acronyms(client, article_index):
    article = make_article(article_index, "Tagged", tags=["b2b lead generation", "crm"])
    index = client.get("/tags/").content.decode()
    assert ">B2B Lead Generation</a>" in index
    assert ">CRM</a>" in index
    archive = client.get("/tags/b2b-lead-generation/").content.decode()
    assert "<h1>B2B Lead Generation</h1>" in archive
    assert "<title>Articles on B2B Lead Generation | " in archive
    assert ">B2B Lead Generation</a></li>" in client.get(article.url).content.decode()


def test_topic_index_shows_each_topics_description(client, article_index):
    from taggit.models import Tag

    from blog.models import TopicDescription

    make_article(article_index, "On topic", tags=["lead generation", "sales"])
    TopicDescription.objects.create(
        tag=Tag.objects.get(name="lead generation"), description="Readers into leads."
    )
    html = client.get("/tags/").content.decode()
    assert '<p class="topic-list__description">Readers into leads.</p>' in html
    assert html.count("topic-list__description") == 1
