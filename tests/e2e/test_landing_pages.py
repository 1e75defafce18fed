"""A campaign landing page in Chromium: the visitor answers its form with JavaScript and lands
on the page's own thank-you URL (where ad platforms count the conversion), the conversion
event fires there, and axe finds nothing on either page."""

import re

import pytest
from playwright.sync_api import expect

from leads.models import Submission
from tests.factories import make_campaign, make_cta, make_document, make_image, make_landing_page

from .conftest import DESKTOP, MOBILE, assert_axe_clean
from .test_leads import fill_answers

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% The scoring checklist\n%%EOF\n"


@pytest.fixture
def landing(site, settings):
    settings.LEAD_FORM_MIN_SECONDS = 0
    cta = make_cta(
        "download",
        headline="Get the scoring checklist",
        document=make_document("Scoring checklist", content=PDF),
    )
    return make_landing_page(
        site["home"],
        slug="checklist",
        cta=cta,
        campaign=make_campaign("spring-ebook"),
        hero_image=make_image("Checklist cover", 800, 1000, description="The checklist's cover"),
        thanks_text='<p>Then read <a href="/posts/">the articles</a>.</p>',
        body=[
            (
                "benefits",
                {
                    "heading": "What you get",
                    "items": [
                        {"title": "Twelve checks", "text": "Each with an example."},
                        {"title": "One page", "text": "Print it for the meeting."},
                    ],
                },
            ),
            (
                "testimonial",
                {
                    "quote": "Our reps call the right leads first now.",
                    "person": "Dana Ruiz",
                    "role": "Head of Sales, Acme",
                    "photo": make_image("Dana", 112, 112),
                },
            ),
            (
                "logos",
                {
                    "heading": "Used by teams at",
                    "logos": [
                        {"image": make_image("Acme logo", 240, 80), "alt_text": "Acme"},
                        {"image": make_image("Globex logo", 240, 80), "alt_text": "Globex"},
                    ],
                },
            ),
            (
                "faq",
                {
                    "heading": "Questions",
                    "items": [{"question": "Is it free?", "answer": "<p>Yes.</p>"}],
                },
            ),
        ],
    )


def test_visitor_answers_with_javascript_and_lands_on_the_page_s_thank_you(landing, tab):
    page = tab.page
    tab.goto(landing.url)
    box = page.locator("[data-lead-cta]")
    fill_answers(box, landing.cta)
    box.get_by_role("button", name="Download Now").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(landing.url)}thanks/[\w-]+/$"))
    expect(page.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Download Scoring checklist")).to_be_visible()
    # The thank-you page announces the conversion as it loads (leads.js, announce).
    page.wait_for_function("() => document.querySelector('[data-lead-thanks][data-announced]')")
    submission = Submission.objects.get()
    assert (submission.page_id, submission.utm_campaign) == (landing.pk, "spring-ebook")
    assert tab.console_errors == []


def test_conversion_event_fires_on_the_landing_thank_you(landing, tab):
    page = tab.page
    # Listen before any script of the thank-you page runs.
    page.add_init_script(
        """window.conversions = [];
        document.addEventListener("leadsite:conversion", (e) => conversions.push(e.detail));"""
    )
    tab.goto(landing.url)
    box = page.locator("[data-lead-cta]")
    fill_answers(box, landing.cta)
    box.get_by_role("button", name="Download Now").click()
    expect(page).to_have_url(re.compile(r"/thanks/[\w-]+/$"))
    page.wait_for_function("() => window.conversions.length > 0")
    assert page.evaluate("window.conversions") == [{"cta": str(landing.cta.pk), "kind": "download"}]


def test_landing_page_and_its_thank_you_have_no_axe_violations(landing, tab):
    page = tab.page
    for viewport in (MOBILE, DESKTOP):
        page.set_viewport_size(viewport)
        tab.goto(landing.url)
        page.get_by_text("Is it free?").click()  # an open FAQ answer is checked too
        assert_axe_clean(tab, f"landing page at {viewport['width']} px")
    box = page.locator("[data-lead-cta]")
    fill_answers(box, landing.cta)
    box.get_by_role("button", name="Download Now").click()
    expect(page).to_have_url(re.compile(r"/thanks/[\w-]+/$"))
    for viewport in (DESKTOP, MOBILE):
        page.set_viewport_size(viewport)
        assert_axe_clean(tab, f"landing thank-you at {viewport['width']} px")
    assert tab.foreign_requests() == []


def test_article_linking_to_a_landing_page_has_no_axe_violations(landing, site, tab):
    from tests.factories import make_article

    block = {"page": landing, "link_text": "Get the checklist →", "teaser": "Twelve checks."}
    article = make_article(
        site["index"],
        "Scoring leads",
        body=[("section", "<h2>Why</h2><p>Because.</p>"), ("offer_link", block)],
    )
    tab.goto(article.url)
    tab.page.get_by_role("link", name="Get the checklist →").click()
    expect(tab.page).to_have_url(re.compile(rf"{re.escape(landing.url)}$"))
    tab.goto(article.url)
    assert_axe_clean(tab, "article with an offer link")
