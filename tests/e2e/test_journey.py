"""A reader's path through the site, as they see it: home → article → topic → search."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_reader_goes_from_home_to_article_to_topic_to_search(content, tab):
    page = tab.page
    article = content["article"]

    tab.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(content["home"].headline)
    latest = page.get_by_role("region", name="Latest articles")
    expect(latest.get_by_role("heading", level=3)).to_have_count(3)

    latest.get_by_role("link", name=article.title).click()
    expect(page).to_have_url(re.compile(re.escape(article.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(page.locator(".article__meta time")).to_have_attribute(
        "datetime", article.date.isoformat()
    )
    hero = page.locator(".article__hero img")
    expect(hero).to_have_attribute("alt", "A checklist next to a download button")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0"), "hero image is broken"
    toc = page.get_by_role("navigation", name="On this page")
    expect(toc.get_by_role("link")).to_have_text(
        ["Why gate at all", "What to gate", "What happens next"]
    )

    page.locator(".article__header").get_by_role("link", name="Content marketing").click()
    expect(page).to_have_url(re.compile(r"/tags/content-marketing/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Content Marketing")
    expect(page.get_by_role("heading", level=3)).to_have_text(
        ["Newsletters sales actually reads", "Gated content that converts"]
    )

    search = page.get_by_role("search", name="Site").get_by_role("searchbox")
    search.fill("webinar")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=webinar$"))
    expect(page.get_by_role("heading", level=2)).to_have_text("1 result for “webinar”")
    page.get_by_role("link", name="Webinars that fill the sales pipeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Webinars that fill the sales pipeline"
    )

    assert tab.console_errors == []
    assert tab.foreign_requests() == []
