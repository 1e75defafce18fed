"""What a visitor sees on the home page, the article index and an article."""

import datetime
import json
import re

import pytest
from wagtail.test.utils import WagtailPageTestCase

from blog.models import ArticleIndexPage, ArticlePage, ContentPage, HomePage, LandingPage
from blog.site_tree import ensure_site_tree
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

BODY = [
    ("section", "<h2>Why gate content</h2><p>Some words.</p><h3>When not to</h3><p>More.</p>"),
    ("quote", {"text": "Short forms win.", "attribution": "A sales lead"}),
    ("callout", {"tone": "tip", "title": "Try this", "text": "<p>Ask for less.</p>"}),
    ("section", "<h2>Why gate content</h2><ul><li>one</li><li>two</li></ul>"),
]


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def json_ld_blocks(html):
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.fixture
def article(article_index):
    return make_article(
        article_index,
        "Gated content that works",
        date=datetime.date(2026, 5, 4),
        tags=["lead generation", "content marketing"],
        summary="How to gate an eBook without losing readers.",
        body=BODY,
        hero_image=make_image(description="A chart of downloads per week"),
    )


def test_article_has_exactly_one_h1_which_is_its_title(client, article):
    html = html_of(client.get("/posts/gated-content-that-works/"))
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Gated content that works"]


def test_article_shows_publication_date_in_time_element(client, article):
    html = html_of(client.get(article.url))
    assert '<time datetime="2026-05-04">May 4, 2026</time>' in html


def test_article_hero_image_is_responsive_webp_with_alt_and_dimensions(client, article):
    html = html_of(client.get(article.url))
    hero = re.search(r'<figure class="article__hero[^"]*">\s*(<img[^>]+>)', html).group(1)
    assert 'alt="A chart of downloads per week"' in hero
    assert "srcset=" in hero and ".webp" in hero and "sizes=" in hero
    assert re.search(r'width="\d+"', hero) and re.search(r'height="\d+"', hero)
    assert 'loading="lazy"' not in hero  # the hero is above the fold
    widths = re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', hero).group(1))
    assert len(widths) == len(set(widths)) == 3  # no candidate repeats a width


def test_article_tags_link_to_their_archives(client, article):
    html = html_of(client.get(article.url))
    assert 'href="/tags/lead-generation/"' in html
    assert 'href="/tags/content-marketing/"' in html


def test_article_table_of_contents_links_to_unique_heading_anchors(client, article):
    html = html_of(client.get(article.url))
    assert 'href="#why-gate-content"' in html and 'id="why-gate-content"' in html
    assert 'href="#when-not-to"' in html and 'id="when-not-to"' in html
    # The repeated heading gets its own anchor rather than a duplicate id.
    assert 'id="why-gate-content-2"' in html
    assert len(re.findall(r'id="why-gate-content"', html)) == 1


def test_article_shows_summary_reading_time_quote_and_callout(client, article):
    html = html_of(client.get(article.url))
    assert "How to gate an eBook without losing readers." in html
    assert "1 min read" in html
    assert "<blockquote><p>Short forms win.</p></blockquote>" in html
    assert "callout--tip" in html and "Ask for less." in html


def test_reading_time_grows_with_length(article_index):
    words = " ".join(["word"] * 2300)
    long_article = make_article(article_index, body=[("section", f"<p>{words}</p>")])
    assert long_article.reading_minutes == 10


def test_related_articles_prefer_most_shared_tags(client, article_index, article):
    both = make_article(article_index, "Shares two", tags=["lead generation", "content marketing"])
    one = make_article(article_index, "Shares one", tags=["content marketing"])
    make_article(article_index, "Shares none", tags=["sales enablement"])
    assert article.related_articles() == [both, one]
    html = html_of(client.get(article.url))
    related = html.split('id="related-heading"')[1]
    assert related.index("Shares two") < related.index("Shares one")
    assert "Shares none" not in related


def test_previous_and_next_follow_publication_dates(client, article_index, article):
    older = make_article(article_index, "Older one", date=datetime.date(2026, 1, 1))
    newer = make_article(article_index, "Newer one", date=datetime.date(2026, 9, 1))
    assert article.get_previous_article().pk == older.pk
    assert article.get_next_article().pk == newer.pk
    html = html_of(client.get(article.url))
    assert f'rel="prev" href="{older.url}"' in html
    assert f'rel="next" href="{newer.url}"' in html


def test_draft_articles_are_not_listed_or_served(client, article_index):
    draft = make_article(article_index, "Unfinished thoughts", live=False)
    assert client.get(draft.url).status_code == 404
    assert "Unfinished thoughts" not in html_of(client.get("/posts/"))


def test_article_has_canonical_open_graph_and_twitter_tags(client, article):
    html = html_of(client.get(article.url))
    assert '<link rel="canonical" href="http://testserver/posts/gated-content-that-works/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Gated content that works">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/[^"]+\.jpg"', html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'content="How to gate an eBook without losing readers."' in html


def test_article_json_ld_describes_blog_posting_and_breadcrumbs(client, article):
    blocks = json_ld_blocks(html_of(client.get(article.url)))
    posting = next(b for b in blocks if b["@type"] == "BlogPosting")
    assert posting["headline"] == "Gated content that works"
    assert posting["datePublished"] == "2026-05-04"
    assert posting["image"].startswith("http://testserver/media/")
    crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Home",
        "Articles",
        "Gated content that works",
    ]


def test_json_ld_cannot_be_broken_out_of_by_a_title(client, article_index):
    article = make_article(article_index, "Evil </script><script>alert(1)</script>")
    html = html_of(client.get(article.url))
    assert "<script>alert(1)" not in html
    assert any(b["@type"] == "BlogPosting" for b in json_ld_blocks(html))


def test_home_shows_value_proposition_and_latest_articles(client, article_index, article):
    html = html_of(client.get("/"))
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == [
        "Articles that turn readers into qualified leads"
    ]
    assert 'href="/posts/gated-content-that-works/"' in html
    assert '"@type":"WebSite"' in html


def test_article_index_lists_newest_publication_first(client, article_index):
    make_article(article_index, "Middle", date=datetime.date(2026, 3, 1))
    make_article(article_index, "Newest", date=datetime.date(2026, 6, 1))
    make_article(article_index, "Oldest", date=datetime.date(2025, 1, 1))
    html = html_of(client.get("/posts/"))
    assert html.index("Newest") < html.index("Middle") < html.index("Oldest")


def test_article_index_shows_twelve_per_page(client, article_index):
    for day in range(1, 15):
        make_article(article_index, f"Day {day:02d}", date=datetime.date(2026, 1, day))
    first = html_of(client.get("/posts/"))
    second = html_of(client.get("/posts/?page=2"))
    assert first.count('class="card"') == 12 and "Day 14" in first and "Day 02" not in first
    assert second.count('class="card"') == 2 and "Day 01" in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("junk", ["abc", "999", "-1", "0", "1.5", "%00", "1e9", "9" * 40])
def test_article_index_tolerates_junk_page_numbers(client, article_index, junk):
    make_article(article_index, "Only one")
    assert "Only one" in html_of(client.get("/posts/", {"page": junk}))


def test_unknown_page_is_a_styled_404(client, site_tree):
    response = client.get("/posts/no-such-article/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


class TestTreeRules(WagtailPageTestCase):
    def test_home_allows_the_article_index_content_and_landing_pages_below_it(self):
        self.assertAllowedSubpageTypes(HomePage, {ArticleIndexPage, ContentPage, LandingPage})

    def test_content_pages_have_no_children_and_live_under_home(self):
        self.assertAllowedSubpageTypes(ContentPage, set())
        self.assertAllowedParentPageTypes(ContentPage, {HomePage})

    def test_index_allows_only_articles(self):
        self.assertAllowedSubpageTypes(ArticleIndexPage, {ArticlePage})
        self.assertAllowedParentPageTypes(ArticleIndexPage, {HomePage})

    def test_articles_have_no_children_and_live_under_the_index(self):
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})

    def test_every_page_type_is_renderable(self):
        home, index = ensure_site_tree()
        article = make_article(index, "Renderable", tags=["topic"], body=BODY)
        for page in (home, index, article):
            self.assertPageIsRenderable(page)


def test_internal_links_in_the_body_point_at_the_linked_articles(client, article_index):
    target = make_article(article_index, "The pillar guide")
    other = make_article(article_index, "Another one")
    article = make_article(
        article_index,
        body=[
            (
                "section",
                f'<p><a linktype="page" id="{target.pk}">guide</a> and '
                f'<a linktype="page" id="{other.pk}">other</a> and '
                '<a linktype="page" id="999999">gone</a></p>',
            )
        ],
    )
    html = html_of(client.get(article.url))
    assert '<a href="/posts/the-pillar-guide/">guide</a>' in html
    assert '<a href="/posts/another-one/">other</a>' in html
    assert "<a>gone</a>" in html  # a deleted target leaves the text, not a broken link


def test_article_query_count_does_not_grow_with_links_tags_or_related(
    client, article_index, django_assert_max_num_queries
):
    others = [
        make_article(article_index, f"Other {n}", tags=["a", "b"], hero_image=make_image())
        for n in range(6)
    ]
    links = "".join(f'<a linktype="page" id="{o.pk}">{o.title}</a> ' for o in others)
    article = make_article(
        article_index,
        tags=["a", "b", "c"],
        hero_image=make_image(),
        body=[("section", f"<h2>Links</h2><p>{links}</p>"), *BODY],
    )
    client.get(article.url)  # renditions are generated on the first view
    with django_assert_max_num_queries(15):
        assert client.get(article.url).status_code == 200


def test_server_error_page_is_styled_and_needs_no_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
