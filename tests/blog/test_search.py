"""Search over titles, summaries, bodies and tags; junk input never errors."""

import pytest

from blog.importer import import_paths
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(article_index):
    return [
        make_article(article_index, "Quote forms sales love", summary="Ask fewer questions."),
        make_article(article_index, "Newsletter hygiene", summary="Confirm every subscriber."),
        make_article(
            article_index,
            "Scoring leads",
            summary="Points for intent.",
            body=[("section", "<p>A half-life keeps engagement scores honest.</p>")],
        ),
        make_article(article_index, "Webinars", summary="Seats and replays.", tags=["funnels"]),
    ]


def titles(response):
    assert response.status_code == 200
    html = response.content.decode().replace("<mark>", "").replace("</mark>", "")
    return {a for a in ("Quote forms", "Newsletter", "Scoring leads", "Webinars") if a in html}


def test_search_finds_words_in_titles(client, articles):
    assert titles(client.get("/search/", {"q": "quote"})) == {"Quote forms"}


def test_search_finds_words_in_summaries(client, articles):
    assert titles(client.get("/search/", {"q": "subscriber"})) == {"Newsletter"}


def test_search_finds_words_in_bodies(client, articles):
    assert titles(client.get("/search/", {"q": "half-life"})) == {"Scoring leads"}


def test_search_finds_articles_by_tag(client, articles):
    assert titles(client.get("/search/", {"q": "funnels"})) == {"Webinars"}


def test_search_reports_the_number_of_results(client, articles):
    html = client.get("/search/", {"q": "quote"}).content.decode()
    assert "1 result for &ldquo;quote&rdquo;" in html


def test_search_results_are_paginated(client, article_index):
    for n in range(14):
        make_article(article_index, f"Pipeline note {n}")
    first = client.get("/search/", {"q": "pipeline"}).content.decode()
    second = client.get("/search/", {"q": "pipeline", "page": "2"}).content.decode()
    assert first.count('class="card"') == 12 and second.count('class="card"') == 2
    assert "q=pipeline&amp;page=2" in first


JUNK = [
    "",
    " ",
    '"',
    "'",
    '"unbalanced',
    "*",
    "-",
    "AND",
    "OR NOT",
    "NEAR(",
    "a:b",
    "^",
    "()",
    "%",
    "_",
    "\\",
    "'; DROP TABLE blog_articlepage; --",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "\x00",
    "\x1b[31m",
    "😀",
    "ü" * 500,
    "quote" * 1000,
]


@pytest.mark.parametrize("query", JUNK)
def test_junk_search_input_never_errors(client, articles, query):
    response = client.get("/search/", {"q": query, "page": "abc"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%C0%AF", "%E2%82"])
def test_invalid_utf8_in_the_query_string_never_errors(client, articles, raw):
    assert client.get(f"/search/?q={raw}&page={raw}").status_code == 200


def test_search_page_is_not_indexed_by_crawlers(client, site_tree):
    assert (
        '<meta name="robots" content="noindex, follow">' in client.get("/search/").content.decode()
    )


def test_imported_articles_are_searchable_by_body_and_topic(client, site_tree, tmp_path):
    (tmp_path / "lead-magnets.md").write_text(
        '---\ntitle: "Lead magnets"\ndate: 2026-02-03\ntags: [webinar funnels]\n---\n\n'
        "Intro.\n\n## Checklist\n\nThe *zeppelin* approach works.\n",
        encoding="utf-8",
    )
    report = import_paths([tmp_path])
    assert report.created == ["lead-magnets"]
    assert "Lead magnets" in client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "Lead magnets" in client.get("/search/", {"q": "funnels"}).content.decode()


def test_search_highlights_the_words_found_in_titles_and_summaries(client, articles):
    html = client.get("/search/", {"q": "quote"}).content.decode()
    assert "<mark>Quote</mark> forms sales love" in html


def test_search_highlight_escapes_html_in_titles_and_summaries(client, article_index):
    make_article(article_index, "<script>x</script> funnel tips", summary="A <b>funnel</b> & more")
    html = client.get("/search/", {"q": "funnel"}).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; <mark>funnel</mark> tips" in html
    assert "A &lt;b&gt;<mark>funnel</mark>&lt;/b&gt; &amp; more" in html
    assert "<script>x</script>" not in html


def test_search_page_has_one_search_box(client, articles):
    for params in ({}, {"q": "quote"}):
        html = client.get("/search/", params).content.decode()
        assert html.count('type="search"') == 1
        assert html.count('role="search"') == 1


def test_other_pages_keep_the_header_search_box(client, articles):
    assert client.get("/tags/").content.decode().count('type="search"') == 1


@pytest.mark.parametrize("params", [{}, {"q": "zebra"}], ids=["no query", "no results"])
def test_search_empty_state_links_to_the_topics(client, articles, params):
    html = client.get("/search/", params).content.decode()
    assert 'href="/tags/"' in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'href="/tags/funnels/">Funnels</a>' in html


def test_search_without_results_says_so(client, articles):
    html = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "No results for &ldquo;zebra&rdquo;" in html
