"""The inbox at a laptop's width and on a phone, in Chromium: one line per lead (names never
split mid-word, long article titles cut short with a tooltip), ten leads or more in a
1280x800 window, the bulk bar only once a lead is ticked, queue chips that switch the list,
and why a quarantined lead was quarantined; axe-clean."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import make_article, make_lead

from .conftest import MOBILE, assert_axe_clean, log_in_as

pytestmark = pytest.mark.e2e

LONG_NAME = "Maximiliana Alexandrova-Wolkenstein"
LONG_TITLE = "How We Rebuilt Our Entire Lead Qualification Process Around Intent Signals in 2026"

# Each name cell: its words, and whether any word's text spans two line boxes.
SPLIT_WORDS = """() => {
    const split = [];
    for (const cell of document.querySelectorAll("td.leads-inbox__name a span")) {
        const text = cell.firstChild;
        const words = [...text.data.matchAll(/\\S+/g)];
        for (const word of words) {
            const range = document.createRange();
            range.setStart(text, word.index);
            range.setEnd(text, word.index + word[0].length);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (lines.size > 1) split.push(word[0]);
        }
        const td = cell.closest("td");
        if (td.scrollWidth > td.clientWidth) split.push("overflow: " + text.data);
    }
    return split;
}"""

FULLY_VISIBLE_ROWS = """() => [...document.querySelectorAll("#listing-results tbody tr")]
.filter((row) => {
    const box = row.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}).length"""


@pytest.fixture
def inbox_leads(site):
    article = make_article(site["index"], title=LONG_TITLE)
    now = timezone.now()
    for n in range(12):
        make_lead(
            name=LONG_NAME if n == 0 else f"Person Number{n}",
            company="Northwind Analytics International",
            page=article,
            received_at=now - datetime.timedelta(minutes=n),
        )
    make_lead(name="Spammy", spam_reasons=["honeypot"], received_at=now)


def open_inbox(tab, **viewport):
    log_in_as(tab, "Sales", "sally")
    if viewport:
        tab.page.set_viewport_size(viewport)
    tab.goto("/admin/leads/")
    return tab.page


def test_at_1280_names_stay_whole_and_ten_leads_fit(tab, inbox_leads):
    page = open_inbox(tab, width=1280, height=800)

    assert page.evaluate(SPLIT_WORDS) == []
    assert page.evaluate(FULLY_VISIBLE_ROWS) >= 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    article = page.locator("td.leads-inbox__article .leads-inbox__clip").first
    expect(article).to_have_attribute("title", LONG_TITLE)
    assert article.evaluate("el => el.scrollWidth > el.clientWidth")  # cut short
    expect(page.locator("td", has_text="Quote").first).to_be_visible()
    assert_axe_clean(tab, "inbox at 1280")


def test_the_bulk_bar_shows_once_a_lead_is_ticked(tab, inbox_leads):
    page = open_inbox(tab, width=1280, height=800)
    bar = page.locator("#inbox-bulk-form")

    expect(bar).to_be_hidden()
    page.get_by_role("checkbox", name="Select", exact=True).first.check()
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("1 selected")
    page.get_by_role("checkbox", name="Select all leads on this page").check()
    expect(bar).to_contain_text("12 selected")
    assert_axe_clean(tab, "inbox, bulk bar open")
    page.get_by_role("checkbox", name="Select all leads on this page").uncheck()
    expect(bar).to_be_hidden()


def test_queue_chips_switch_the_list_and_quarantine_says_why(tab, inbox_leads):
    page = open_inbox(tab, width=1280, height=800)
    queues = page.get_by_role("navigation", name="Queues")

    expect(queues.get_by_role("link", name="Review queue")).to_have_attribute(
        "aria-current", "page"
    )
    queues.get_by_role("link", name="Quarantine").click()
    expect(queues.get_by_role("link", name="Quarantine")).to_have_attribute("aria-current", "page")
    expect(page.locator("#listing-results tbody tr")).to_have_count(1)
    expect(page.locator(".leads-inbox__reason")).to_have_text("Honeypot filled in")
    assert_axe_clean(tab, "inbox, quarantine")

    queues.get_by_role("link", name="Mine").click()
    expect(queues.get_by_role("link", name="Mine")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("No lead matches")).to_be_visible()


def test_on_a_phone_the_page_never_overflows(tab, inbox_leads):
    page = open_inbox(tab, **MOBILE)

    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    expect(page.locator("#listing-results tbody tr")).to_have_count(12)
    assert_axe_clean(tab, "inbox at 390")
