"""Topic pages: /tags/ with counts, /tags/<slug>/ archives, 404 for unknown topics."""

import datetime

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_tag_index_lists_topics_with_article_counts(client, article_index):
    make_article(article_index, "One", tags=["lead generation", "content marketing"])
    make_article(article_index, "Two", tags=["lead generation"])
    html = client.get("/tags/").content.decode()
    assert (
        'href="/tags/lead-generation/">lead generation</a> <span class="count">2 articles' in html
    )
    assert (
        'href="/tags/content-marketing/">content marketing</a> <span class="count">1 article<'
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
    assert "<h1>Articles on sales</h1>" in html
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
