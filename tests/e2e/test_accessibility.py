"""axe-core finds nothing on any page type, on a phone and on a desktop, and no page calls out.

axe runs its default rules (WCAG 2.0-2.2 A and AA, and best practices) plus target-size.
"""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, MOBILE, format_violations

pytestmark = pytest.mark.e2e

PAGES = {
    "home": lambda content: "/",
    "article index": lambda content: "/posts/",
    "article": lambda content: content["article"].url,
    "tag index": lambda content: "/tags/",
    "tag archive": lambda content: "/tags/lead-generation/",
    "search results": lambda content: "/search/?q=content",
    "not found": lambda content: "/no-such-page/",
}


@pytest.mark.parametrize("page_type", PAGES)
def test_page_type_has_no_axe_violations_and_no_third_party_requests(content, tab, page_type):
    path = PAGES[page_type](content)
    for name, viewport in {"mobile": MOBILE, "desktop": DESKTOP}.items():
        tab.page.set_viewport_size(viewport)
        response = tab.goto(path)
        assert response.status == (404 if page_type == "not found" else 200)
        expect(tab.page.get_by_role("heading", level=1)).to_have_count(1)

        violations = tab.axe_violations()

        assert violations == [], f"axe, {page_type} on {name}:\n{format_violations(violations)}"
    assert tab.foreign_requests() == []


def test_article_checked_by_axe_shows_every_kind_of_content(content, tab):
    """Guards the test above: its article has tags, a TOC, a hero, a quote and call-outs."""
    page = tab.page
    tab.goto(content["article"].url)
    expect(page.locator(".article__hero img")).to_be_visible()
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    expect(page.locator(".article__header .tag")).to_have_count(2)
    expect(page.locator(".prose .quote blockquote")).to_be_visible()
    expect(page.locator(".prose .callout--tip")).to_be_visible()
    expect(page.locator(".prose .callout--warning")).to_be_visible()
    expect(page.locator(".prose .figure img")).to_be_visible()
