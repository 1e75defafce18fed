"""Writing and sending a broadcast in real Chromium: an editor writes an email (text and a
button), previews it at desktop and phone width and as plain text, sends a test to herself
(a real SMTP server gets it), creates a broadcast to a list, schedules it, and watches its
progress update without reloading. axe on every screen."""

import datetime
from email import message_from_bytes
from email.policy import default

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mailings.models import Broadcast, BroadcastStatus
from mailings.sending import dispatch, schedule
from tests.e2e.conftest import assert_axe_clean, format_violations, log_in_as
from tests.live_site import free_port, smtp_server, smtp_settings
from tests.mailings.makers import make_list, make_subscriber

pytestmark = pytest.mark.e2e

# Wagtail 8's own: its snippet and generic views title the page in an <h2>, with no <h1>.
WAGTAILS_OWN = {"page-has-heading-one"}


def wagtails_own(violation) -> bool:
    """Wagtail's StreamField, not ours: its panels are named after a block's title, which it
    fills in only once the block is collapsed (test_form_builder.py), and its rich-text
    block's Draftail editor is a textbox with no name of its own (the block's heading is not
    tied to it)."""
    nodes = [str(node["target"][0]) for node in violation["nodes"]]
    if violation["id"] in WAGTAILS_OWN:
        return True
    if violation["id"] == "landmark-unique":
        return all(target.startswith("#block-") for target in nodes)
    if violation["id"] == "aria-input-field-name":
        return all("DraftEditor" in node["html"] for node in violation["nodes"])
    return False


def assert_ours_clean(tab, where):
    # From the top: the admin's sticky header would otherwise cover a panel's toggle, which
    # axe's target-size rule then measures as obscured.
    tab.page.evaluate(
        """() => new Promise((done) => {
            window.scrollTo(0, 0);
            for (const element of document.querySelectorAll("main, main *")) {
                if (element.scrollTop) element.scrollTop = 0;
            }
            requestAnimationFrame(() => requestAnimationFrame(done));
        })"""
    )
    violations = [v for v in tab.axe_violations() if not wagtails_own(v)]
    assert violations == [], f"axe, {where}:\n{format_violations(violations)}"


def preview_frame(tab):
    return tab.page.frame_locator("#w-preview-iframe")


@pytest.fixture
def smtp(settings):
    port = free_port()
    for name, value in smtp_settings(port).items():
        setattr(settings, name, value)
    with smtp_server(port) as server:
        yield server


def test_an_editor_writes_previews_tests_and_schedules_a_broadcast(site, tab, smtp):
    newsletter = make_list("The LeadSite newsletter", double_opt_in=False)
    readers = [make_subscriber(newsletter) for _ in range(3)]
    log_in_as(tab, "Editors", "eve", email="eve@staff.example")
    page = tab.page

    # Write the email: a text block and a button.
    tab.goto("/admin/email/emails/add/")
    page.locator('[name="name"]').fill("March newsletter")
    page.locator('[name="subject"]').fill("{firstname|Hi}, three forms that convert")
    page.locator('[name="preheader"]').fill("Plus: the checklist we use")
    page.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Text", exact=True).click()
    editor = page.locator('[data-contentpath="body"] [contenteditable="true"]').first
    editor.click()
    editor.type("Short forms win. Here is the proof from forty landing pages.")
    page.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Button", exact=True).click()
    page.locator('[name="body-1-value-label"]').fill("Get the checklist")
    page.locator('[name="body-1-value-url"]').fill("https://example.com/checklist")
    assert_ours_clean(tab, "the email editor")

    # A merge field misspelt: refused, naming the ones there are; the rest of the form kept.
    page.get_by_role("button", name="Save").first.click()
    expect(
        page.get_by_text("{firstname} is no merge field. Use one of {first_name}")
    ).to_be_visible()
    expect(page.locator('[name="body-1-value-label"]')).to_have_value("Get the checklist")
    assert_ours_clean(tab, "the email editor, a merge field misspelt")
    page.locator('[name="subject"]').fill("{first_name|Hi}, three forms that convert")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url("**/admin/email/emails/")
    page.get_by_role("link", name="March newsletter").click()
    page.wait_for_url("**/admin/email/emails/edit/*/")

    # Preview: desktop width, then a phone's, then the plain-text part.
    page.locator('[data-side-panel-toggle="preview"]').click()
    frame = preview_frame(tab)
    frame.get_by_text("Short forms win.").wait_for(timeout=15_000)
    expect(frame.get_by_role("link", name="Get the checklist")).to_be_visible()
    page.get_by_label("Phone width").check(force=True)
    frame.get_by_text("Short forms win.").wait_for()
    page.wait_for_function("() => document.querySelector('#w-preview-iframe').clientWidth <= 400")
    phone_scroll = frame.locator("body").evaluate("() => document.documentElement.scrollWidth")
    assert phone_scroll <= 390, f"the email scrolls sideways on a phone: {phone_scroll}px"
    page.get_by_label("Desktop width").check(force=True)
    page.wait_for_function("() => document.querySelector('#w-preview-iframe').clientWidth >= 1000")
    page.locator("#id_preview_mode").select_option("text")
    frame = preview_frame(tab)
    frame.get_by_text("Get the checklist (https://example.com/checklist)").wait_for()
    # Merge fields show a sample person in the preview.
    expect(frame.get_by_role("heading", name="Alex, three forms that convert")).to_be_visible()
    expect(frame.get_by_text("Unsubscribe: ", exact=False)).to_be_visible()
    page.locator("#id_preview_mode").select_option("")
    page.locator('[data-side-panel-toggle="preview"]').click()

    # Send a test to me: the SMTP server gets it, with both parts.
    page.get_by_role("button", name="Send a test to me").click()
    expect(page.get_by_text("went to eve@staff.example")).to_be_visible()
    assert smtp.recipients == ["eve@staff.example"]
    message = message_from_bytes(smtp.envelopes[0].content, policy=default)
    assert message["Subject"] == "[Test] Hi, three forms that convert"  # Eve has no name set
    assert "Short forms win." in message.get_body(("plain",)).get_content()
    assert "Get the checklist" in message.get_body(("html",)).get_content()
    assert_ours_clean(tab, "the email editor after a test send")

    # A broadcast of it to the list.
    tab.goto("/admin/email/broadcasts/new/")
    assert_ours_clean(tab, "new broadcast")
    page.locator('[name="name"]').fill("Newsletter, March")
    page.get_by_role("button", name="Choose email").click()
    page.locator(".modal-content").get_by_role("link", name="March newsletter").click()
    expect(page.locator(".modal-content")).to_be_hidden()
    page.locator('[name="mailing_list"]').select_option(label="The LeadSite newsletter")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/admin/email/broadcasts/inspect/*/")
    expect(page.get_by_text("3 people on it may get marketing email")).to_be_visible()
    assert_ours_clean(tab, "a draft broadcast's page")

    # Schedule it for tomorrow morning.
    page.get_by_role("link", name="Schedule…").click()
    assert_ours_clean(tab, "schedule a broadcast")
    page.get_by_label("Send at").fill("2001-01-01T09:00")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Choose a time in the future.")).to_be_visible()
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    page.get_by_label("Send at").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url("**/admin/email/broadcasts/inspect/*/")
    broadcast = Broadcast.objects.get()
    assert broadcast.status == BroadcastStatus.SCHEDULED
    assert timezone.localtime(broadcast.scheduled_for) == tomorrow
    expect(page.locator("[data-mailings-status]")).to_have_text("Scheduled")
    assert_ours_clean(tab, "a scheduled broadcast's page")

    # Its time comes while the page is open: the page follows without being reloaded by hand.
    Broadcast.objects.filter(pk=broadcast.pk).update(scheduled_for=timezone.now())
    schedule.tick(timezone.now())
    expect(page.locator("[data-mailings-status]")).to_have_text("Sending", timeout=15_000)
    expect(page.locator('[data-count="queued"]')).to_have_text("3")
    dispatch.drain()
    dispatch.drain()
    expect(page.locator('[data-count="sent"]')).to_have_text("3", timeout=15_000)
    expect(page.locator("[data-mailings-status]")).to_have_text("Sent", timeout=15_000)
    assert sorted(smtp.recipients[1:]) == sorted(reader.email for reader in readers)
    assert_ours_clean(tab, "a sent broadcast's progress")
    page.reload()
    expect(page.get_by_role("heading", name="Report")).to_be_visible()
    assert_ours_clean(tab, "a sent broadcast's report")
    for reader in readers:
        assert reader.email not in page.content()
    assert tab.console_errors == []  # Wagtail's refused autosaves aside (conftest.Tab)


def test_a_segment_is_built_from_rows_and_counted(site, tab):
    newsletter = make_list("The LeadSite newsletter", double_opt_in=False)
    for _ in range(2):
        make_subscriber(newsletter)
    log_in_as(tab, "Moderators", "mo")
    page = tab.page
    tab.goto("/admin/email/segments/new/")
    page.locator('[name="name"]').fill("Newsletter readers")
    page.locator('[name="conditions-0-field"]').select_option("list")
    # Only the input this condition uses shows.
    expect(page.locator('[name="conditions-0-value"]')).to_be_hidden()
    page.locator('[name="conditions-0-choice"]').select_option(label="The LeadSite newsletter")
    page.get_by_role("button", name="Count who matches").click()
    expect(page.get_by_text("2 contacts match; 2 of them may get marketing email")).to_be_visible()
    page.get_by_role("button", name="Add a condition").click()
    page.locator('[name="conditions-1-field"]').select_option("score_at_least")
    expect(page.locator('[name="conditions-1-choice"]')).to_be_hidden()
    page.locator('[name="conditions-1-value"]').fill("0")
    assert_ours_clean(tab, "the segment editor")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/admin/email/segments/")
    assert_axe_clean(tab, "segments")
    assert tab.console_errors == []
