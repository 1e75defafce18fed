"""The contact page in Chromium, as sales read it at 1280 and 390 px: what the person asked
for first under human labels, their name and company as the heading, email and phone as
links, and status buttons that work; axe-clean at both widths."""

import re

import pytest
from playwright.sync_api import expect

from leads.models import Status
from tests.factories import capture_lead, make_cta

from .conftest import DESKTOP, MOBILE, Tab, assert_axe_clean, log_in_as

pytestmark = pytest.mark.e2e


@pytest.fixture
def quote(site):
    return capture_lead(make_cta("quote", title="Free quote"), budget="over-50k", timeline="now")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280", "390"])
def test_sales_read_the_request_first_and_qualify_it(browser, site, quote, viewport):
    submission = quote.submission
    context = browser.new_context(viewport=viewport, base_url=site["url"])
    tab = Tab(context.new_page(), site["url"])
    log_in_as(tab, "Sales", "sally")
    page = tab.page
    page.goto(f"/admin/leads/contacts/{submission.contact_id}/")

    expect(page.get_by_role("heading", name="Ana Lima · Acme")).to_be_visible()
    # The tab keeps no personal data (see the detail template): "Contact #<id> - <site>".
    expect(page).to_have_title(re.compile(rf"^Contact #{submission.contact_id}\b"))
    assert page.locator("main a[href='mailto:ana@acme.example']").count() >= 1
    expect(page.locator("main a[href='tel:+442079460000']").first).to_be_visible()

    card = page.locator(f"#submission-{submission.pk}")
    answers = card.locator(".leads-contact__answers")
    # In the order and under the labels of the form the person answered.
    expect(answers.locator("dt")).to_have_text(["Phone", "Budget", "Timeline", "What do you need?"])
    expect(answers.locator("dd")).to_have_text(
        [
            "+44 20 7946 0000",
            "Over $50,000",
            "As soon as possible",
            "We need a quote for lead capture on our blog.",
        ]
    )
    # The answers come before the review facts.
    first_term = card.locator("dt").first
    expect(first_term).to_have_text("Phone")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the contact page scrolls sideways: {widths}"
    assert_axe_clean(tab, f"contact page at {viewport['width']} px")

    qualify = card.get_by_role("button", name="Qualify", exact=True)
    expect(qualify).not_to_have_class("button-secondary")
    expect(card.get_by_role("button", name="Disqualify", exact=True)).to_have_class(
        "button button-small button-secondary"
    )
    qualify.click()
    expect(page.get_by_text(f"{submission} is now qualified.")).to_be_visible()
    expect(card.locator(".w-status")).to_have_text("Qualified")
    expect(card.get_by_role("button", name="Hand off", exact=True)).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == Status.QUALIFIED
    assert_axe_clean(tab, f"contact page after qualifying, at {viewport['width']} px")
    assert tab.foreign_requests() == []
    context.close()


def test_the_answers_expander_in_the_timeline_has_its_arrow(tab, quote):
    log_in_as(tab, "Sales", "sally")
    tab.page.goto(f"/admin/leads/contacts/{quote.submission.contact_id}/")
    summary = tab.page.locator("#timeline-section summary", has_text="Answers")
    assert summary.evaluate("s => getComputedStyle(s).display") == "list-item"
    summary.click()
    expect(tab.page.locator("#timeline-section dd", has_text="Over $50,000")).to_be_visible()
    assert_axe_clean(tab, "contact page, answers open in the timeline")
