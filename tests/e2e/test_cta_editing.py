"""Editing calls to action in real Chromium: the form shows only the chosen kind's fields and
fits a phone, the chooser says what each CTA is and where it is used, a chosen CTA shows a
miniature of its box, and an empty CTA block is refused."""

import re

import pytest
from playwright.sync_api import expect

from leads import kinds
from leads.kinds import KINDS
from tests.e2e.conftest import MOBILE, Tab, assert_fits_a_phone, format_violations, log_in_as
from tests.factories import make_article, make_cta, make_document

pytestmark = pytest.mark.e2e

ADD_CTA = "/admin/snippets/leads/calltoaction/add/"


# Wagtail 8's own snippet create and edit views title the page in a visible <h2> with no <h1>
# (the slim header's hidden <h1> is left out there): not ours to fix.
WAGTAILS_OWN = {"page-has-heading-one"}


def assert_axe_clean(tab, where):
    violations = [v for v in tab.axe_violations() if v["id"] not in WAGTAILS_OWN]
    assert violations == [], f"axe, {where}:\n{format_violations(violations)}"


CTA_BLOCK = """document.querySelector('[id^="body-"][data-chooser-url*=calltoaction]')
    .closest('[data-contentpath]')"""
CHOOSER_RESULTS = "document.querySelector('.modal-content .modal-body')"


def assert_axe_clean_within(tab, element, where):
    """axe on our component only: the page editor around it (Draftail, the tag field) and the
    modal's frame have Wagtail's own violations, which are not ours to fix."""
    tab.axe_violations()  # loads axe, after animations end
    violations = tab.page.evaluate(
        f"""async () => (await axe.run({element},
            {{rules: {{'target-size': {{enabled: true}}}}}})).violations"""
    )
    assert violations == [], f"axe, {where}:\n{format_violations(violations)}"


def cta_block_chooser(tab):
    return tab.page.locator('[id^="body-"][data-chooser-url*=calltoaction]')


def field(tab, name):
    return tab.page.locator(f"#id_{name}")


def choose_kind(tab, value):
    """The kind is a radio button per kind, named by its label."""
    tab.page.get_by_role("radio", name=kinds.get(value).label).check()


def shows(tab, name) -> bool:
    """Whether the panel holding a field shows (a chooser's own input is always hidden)."""
    return tab.page.evaluate(
        "(name) => document.getElementById('id_' + name).closest('.w-panel').checkVisibility()",
        name,
    )


def test_only_the_chosen_kinds_fields_show(site, tab):
    log_in_as(tab, "Editors", "eve")
    tab.goto(ADD_CTA)
    choose_kind(tab, "quote")
    assert not shows(tab, "document")
    assert not shows(tab, "event_starts_at") and not field(tab, "seat_limit").is_visible()

    choose_kind(tab, "download")
    assert shows(tab, "document")
    assert not shows(tab, "event_starts_at")

    choose_kind(tab, "webinar")
    assert field(tab, "event_starts_at").is_visible() and field(tab, "seat_limit").is_visible()
    assert not shows(tab, "document")
    assert_axe_clean(tab, "CTA form, webinar")
    assert tab.console_errors == []


def test_a_download_without_a_document_is_still_refused(site, tab):
    log_in_as(tab, "Editors", "eve")
    tab.goto(ADD_CTA)
    field(tab, "title").fill("Playbook")
    choose_kind(tab, "download")
    field(tab, "headline").fill("Get the playbook")
    tab.page.get_by_role("button", name="Save").click()
    tab.page.get_by_text("A download needs a gated document.").first.wait_for()
    assert_axe_clean(tab, "CTA form with errors")


def test_cta_screens_fit_a_phone_for_every_kind(site, browser):
    download = make_cta(
        "download",
        title="Lead scoring playbook for B2B marketing teams (PDF)",
        document=make_document("The lead scoring playbook for B2B marketing teams"),
    )
    webinar = make_cta("webinar", title="Webinar: the handoff that sales teams trust")
    context = browser.new_context(viewport=MOBILE, base_url=site["url"])
    tab = Tab(context.new_page(), site["url"])
    log_in_as(tab, "Editors", "eve")

    tab.goto(ADD_CTA)
    for kind in KINDS:
        choose_kind(tab, kind.value)
        assert_fits_a_phone(tab, f"new CTA, {kind.value}")
    for cta in (download, webinar):
        tab.goto(f"/admin/snippets/leads/calltoaction/edit/{cta.pk}/")
        assert_fits_a_phone(tab, f"editing a {cta.kind} CTA")
    assert tab.console_errors == []
    context.close()


def test_chooser_shows_kind_headline_and_usage(site, tab):
    cta = make_cta("quote", title="Onboarding quote", headline="Price your onboarding")
    make_article(site["index"], "Onboarding in a week", body=[("cta", cta)])
    article = make_article(site["index"], "Empty article")
    log_in_as(tab, "Editors", "eve")
    tab.goto(f"/admin/pages/{article.pk}/edit/")
    tab.page.get_by_role("button", name="Insert a block").last.click()
    tab.page.get_by_role("option", name="Call to action").click()
    cta_block_chooser(tab).get_by_role("button", name=re.compile("^Choose")).click()
    modal = tab.page.locator(".modal-content")
    row = modal.get_by_role("row", name="Onboarding quote")
    row.wait_for()
    assert "Quote request" in row.inner_text()
    assert "Price your onboarding" in row.inner_text()
    assert "1 page: Onboarding in a week" in row.inner_text()
    assert_axe_clean_within(tab, CHOOSER_RESULTS, "CTA chooser")
    row.get_by_role("link", name="Onboarding quote").click()
    # The block shows the choice; the closing modal still lists it for a moment.
    expect(cta_block_chooser(tab).locator("[data-chooser-title]")).to_have_text("Onboarding quote")
    expect(modal).to_be_hidden()
    assert_axe_clean_within(tab, CTA_BLOCK, "page editor with a chosen CTA")


BODY_CTA_CHOOSER = '[id^="body-"].ls-cta-chooser'


def miniature(tab):
    return tab.page.locator(f"{BODY_CTA_CHOOSER} [data-cta-preview]")


def test_a_chosen_cta_shows_a_miniature_that_follows_a_new_choice(site, tab):
    quote = make_cta("quote", title="Onboarding quote", headline="Price your onboarding")
    playbook = make_document("The lead scoring playbook")
    make_cta("download", title="Playbook (PDF)", headline="Get the playbook", document=playbook)
    article = make_article(site["index"], "Onboarding in a week", body=[("cta", quote)])
    log_in_as(tab, "Editors", "eve")
    tab.goto(f"/admin/pages/{article.pk}/edit/")

    card = miniature(tab)
    expect(card.locator("[data-cta-preview-kind]")).to_have_text("Quote")
    expect(card.locator("[data-cta-preview-headline]")).to_have_text("Price your onboarding")
    expect(card.locator("[data-cta-preview-button]")).to_have_text("Get Your Free Quote")
    expect(card.locator("[data-cta-preview-document]")).to_be_hidden()
    assert_axe_clean_within(tab, CTA_BLOCK, "page editor with a chosen CTA's miniature")

    block = tab.page.locator(BODY_CTA_CHOOSER)
    block.get_by_role("button", name="Actions").click()
    block.get_by_role("button", name="Choose another call to action").click()
    tab.page.locator(".modal-content").get_by_role("link", name="Playbook (PDF)").click()
    expect(card.locator("[data-cta-preview-kind]")).to_have_text("Download")
    expect(card.locator("[data-cta-preview-headline]")).to_have_text("Get the playbook")
    expect(card.locator("[data-cta-preview-document]")).to_have_text("The lead scoring playbook")
    expect(card.locator("[data-cta-preview-document]")).to_be_visible()
    expect(card.locator("[data-cta-preview-button]")).to_have_text("Download Now")
    expect(block.locator("[data-chooser-title]")).to_have_text("Playbook (PDF)")
    assert_axe_clean_within(tab, CTA_BLOCK, "page editor with a new choice's miniature")
    assert tab.console_errors == []


def test_an_empty_cta_block_is_refused_on_saving_a_draft(site, tab):
    article = make_article(site["index"], "Empty article")
    log_in_as(tab, "Editors", "eve")
    tab.goto(f"/admin/pages/{article.pk}/edit/")
    tab.page.get_by_role("button", name="Insert a block").last.click()
    tab.page.get_by_role("option", name="Call to action").click()
    tab.page.get_by_role("button", name="Save draft").click()
    tab.page.get_by_text("Choose a call to action for this block, or delete the block.").wait_for()
    assert_axe_clean_within(tab, CTA_BLOCK, "page editor with an empty CTA block")
