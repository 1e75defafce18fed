"""Nurture sequences in Chromium at 1280 and 390 px: writing one (only the trigger field that
applies is shown), its report, and the Nurture sequences panel on a contact's page, where
sales pause someone; axe-clean throughout."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mailings import sequences
from mailings.models import Enrolment, EnrolmentStatus, Send, SendKind, SendStatus, Sequence
from tests.mailings.sequencing import make_email, make_sequence, marketable_contact

from .conftest import (
    DESKTOP,
    MOBILE,
    Tab,
    assert_axe_clean,
    assert_fits_a_phone,
    cut_off_on_the_left,
    log_in_as,
)

pytestmark = pytest.mark.e2e

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280", "390"])


def open_tab(browser, site, viewport) -> Tab:
    context = browser.new_context(viewport=viewport, base_url=site["url"])
    return Tab(context.new_page(), site["url"])


def write_a_sequence(tab) -> Sequence:
    page = tab.page
    page.goto("/admin/email/sequences/new/")
    status = page.get_by_role("combobox", name="Status", exact=True)
    cta = page.get_by_role("button", name="Choose call to action")
    page.get_by_role("textbox", name="Name*").fill("After the eBook")
    expect(cta).to_be_visible()  # a CTA's submissions: the default
    expect(status).to_be_hidden()
    page.get_by_role("combobox", name="Starts on*").select_option("status")
    expect(status).to_be_visible()
    expect(cta).to_be_hidden()
    status.select_option("disqualified")
    page.get_by_role("button", name="Choose email").click()
    page.locator(".modal-content").get_by_role("link", name="eBook tip one").click()
    expect(page.locator(".modal-content")).to_be_hidden()
    page.get_by_role("spinbutton", name="Wait*").fill("2")
    return page


def set_window(page, start: str, end: str) -> None:
    """Type a step's sending window as a person would, leaving each time field with Tab.
    Wagtail's time picker opens about 100 ms after its field takes focus and closes when the
    field is left: leaving sooner than a person would leaves it open for good, and on a phone
    an open picker covers the Create button and takes the click."""
    pickers = page.locator(".xdsoft_datetimepicker:visible")
    for name, value in (("Not before", start), ("Not after", end)):
        page.get_by_role("textbox", name=name).fill(value)
        expect(pickers).to_have_count(1)
        page.keyboard.press("Tab")
    expect(pickers).to_have_count(0)


def create(page) -> None:
    """Press Create and wait for the server's answer to that POST (a busy CI machine can take
    longer than an assertion's 5 s to render the editor again)."""
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/sequences/new/" in response.url,
        timeout=30_000,
    ):
        page.locator("main form").get_by_role("button", name="Create").click()
    page.wait_for_load_state()


@VIEWPORTS
def test_an_editor_writes_a_sequence_and_reads_its_report(browser, site, viewport):
    make_email("eBook tip one")
    tab = open_tab(browser, site, viewport)
    log_in_as(tab, None, "root", superuser=True)
    tab.page.goto("/admin/email/sequences/new/")
    assert_axe_clean(tab, f"sequence editor at {viewport['width']} px")
    page = write_a_sequence(tab)
    if viewport == MOBILE:
        # Wagtail's own step controls (move, delete) reach the form's padding; the page must
        # still not scroll sideways nor cut anything off.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"the sequence editor scrolls sideways: {width} px"
        assert cut_off_on_the_left(tab) == []

    # A window that ends before it starts is refused, on the step, with what to do.
    set_window(page, "17:00", "09:00")
    create(page)
    error = page.locator("[data-field-errors]", has_text="End the sending window after it starts")
    expect(error.first).to_be_visible()
    set_window(page, "09:00", "17:00")
    create(page)
    expect(page.get_by_text("created", exact=False).first).to_be_visible()

    sequence = Sequence.objects.get()
    step = sequence.steps.get()
    assert (step.delay, step.window_start) == (2, datetime.time(9))
    contact = marketable_contact()
    enrolment = Enrolment.objects.create(sequence=sequence, contact=contact)
    now = timezone.now()
    Send.objects.create(
        contact=contact,
        kind=SendKind.SEQUENCE,
        enrolment=enrolment,
        step=step,
        status=SendStatus.SENT,
        due_at=now,
        sent_at=now,
        delivered_at=now,
    )
    page.goto(f"/admin/email/sequences/inspect/{sequence.pk}/")
    expect(page.get_by_role("heading", name="People in it")).to_be_visible()
    expect(page.locator("tbody th", has_text="1. eBook tip one")).to_be_visible()
    assert_axe_clean(tab, f"sequence report at {viewport['width']} px")
    if viewport == MOBILE:
        assert_fits_a_phone(tab, "the sequence report")


@VIEWPORTS
def test_sales_see_and_pause_an_enrolment_on_the_contact_page(browser, site, viewport):
    contact = marketable_contact(name="Ana Lima")
    sequence = make_sequence({"email": make_email("eBook tip one")}, name="After the eBook")
    make_sequence(name="Hand-picked tips")
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    tab = open_tab(browser, site, viewport)
    log_in_as(tab, "Sales", "sally")
    page = tab.page
    page.goto(f"/admin/leads/contacts/{contact.pk}/")
    panel = page.locator("#enrolments-section")
    expect(panel.get_by_text("Next: step 1 of 1, “eBook tip one”")).to_be_visible()
    assert_axe_clean(tab, f"contact page with sequences at {viewport['width']} px")

    panel.get_by_role("button", name="Pause in After the eBook").click()
    expect(page.get_by_text("Paused in “After the eBook”")).to_be_visible()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.PAUSED
    panel.get_by_role("combobox", name="Sequence*").select_option(label="Hand-picked tips")
    panel.get_by_role("button", name="Add to the sequence").click()
    expect(page.get_by_text("Added to “Hand-picked tips”")).to_be_visible()
    assert Enrolment.objects.filter(contact=contact).count() == 2
