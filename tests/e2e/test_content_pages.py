"""Content pages, topic archives and search, in Chromium at 1280 and 390 px: axe finds nothing,
consent lines link to the privacy page, and search highlights what it found."""

import pytest
from playwright.sync_api import expect
from taggit.models import Tag

from blog.models import ContentPage, TopicDescription
from leads.models import TopicCTA
from tests.factories import make_cta

from .conftest import DESKTOP, MOBILE, format_violations

pytestmark = pytest.mark.e2e

CONSENT = "I agree that LeadSite may store my email. Read our [privacy policy](/privacy/)."


@pytest.fixture
def topics(content):
    home = content["home"]
    privacy = home.add_child(
        instance=ContentPage(
            title="Privacy policy",
            slug="privacy",
            intro="What we store, why, and for how long.",
            body=[
                ("section", "<h2>What we store</h2><p>Your name and email.</p>"),
                ("callout", {"tone": "tip", "title": "In short", "text": "<p>Very little.</p>"}),
            ],
        )
    )
    privacy.save_revision().publish()
    tag = Tag.objects.get(name="Lead generation")
    TopicDescription.objects.create(tag=tag, description="Turning readers into leads.")
    cta = make_cta("newsletter", headline="The Qualified Lead", consent_text=CONSENT)
    TopicCTA.objects.create(tag=tag, cta=cta)
    return {**content, "privacy": privacy, "cta": cta}


PAGES = {
    "content page": "/privacy/",
    "topic archive": "/tags/lead-generation/",
    "search results": "/search/?q=webinars",
    "search without results": "/search/?q=zebra",
    "search without query": "/search/",
}


@pytest.mark.parametrize("page_type", PAGES)
def test_content_topic_and_search_pages_have_no_axe_violations(topics, tab, page_type):
    for name, viewport in {"mobile": MOBILE, "desktop": DESKTOP}.items():
        tab.page.set_viewport_size(viewport)
        assert tab.goto(PAGES[page_type]).status == 200
        expect(tab.page.get_by_role("heading", level=1)).to_have_count(1)
        violations = tab.axe_violations()
        assert violations == [], f"axe, {page_type} on {name}:\n{format_violations(violations)}"
    assert tab.foreign_requests() == []


def test_topic_archive_consent_line_leads_to_the_privacy_page(topics, tab):
    page = tab.page
    tab.goto("/tags/lead-generation/")
    expect(page.get_by_text("Turning readers into leads.")).to_be_visible()
    page.get_by_role("link", name="privacy policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy policy")


def test_search_marks_the_words_found_and_shows_one_search_box(topics, tab):
    page = tab.page
    tab.goto("/search/?q=webinars")
    expect(page.get_by_role("search")).to_have_count(1)
    expect(page.locator(".card__title mark").first).to_have_text("Webinars")


def test_search_without_results_links_to_a_topic(topics, tab):
    page = tab.page
    tab.goto("/search/?q=zebra")
    page.get_by_role("link", name="Lead Generation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lead Generation")
