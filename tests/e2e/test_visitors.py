"""What a visitor sees around the offers, in Chromium: the offer early, the email asked once
per visit, the conversion event an analytics tool counts, and pages axe finds clean."""

import re

import pytest
from playwright.sync_api import expect

from leads.models import Submission
from tests.factories import make_article, make_cta, make_document

from .conftest import DESKTOP, MOBILE, Tab, assert_axe_clean

pytestmark = pytest.mark.e2e

EMAIL = "ana@acme.example"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Page >>\n2 0 obj << /Type /Page >>\n/Type /Pages\n%%EOF\n"


@pytest.fixture
def offers(site, settings):
    """An article with the eBook in its body and the newsletter after it; the home features
    the eBook."""
    settings.LEAD_FORM_MIN_SECONDS = 0
    download = make_cta(
        "download",
        headline="Get the scoring playbook",
        document=make_document("Scoring playbook", content=PDF),
    )
    newsletter = make_cta("newsletter", headline="The Friday lead letter")
    article = make_article(
        site["index"],
        "Scoring leads without a data team",
        body=[
            ("section", "<p>Why scoring matters.</p><h2>What to score</h2><p>Fit.</p>"),
            ("cta", download),
            ("section", "<h2>When to call</h2><p>Above the line.</p>"),
        ],
        cta=newsletter,
    )
    home = site["home"].specific
    home.featured_cta = download
    home.save_revision().publish()
    return {**site, "article": article, "download": download, "newsletter": newsletter}


def open_tab(browser, site, viewport=DESKTOP, init_script=None) -> Tab:
    context = browser.new_context(viewport=viewport, base_url=site["url"])
    if init_script:
        # Through the DevTools protocol, as an analytics snippet would be on a real site.
        context.add_init_script(init_script)
    return Tab(context.new_page(), site["url"])


def box_of(page, cta):
    return page.locator(f'[aria-labelledby="cta{cta.pk}-title"]')


def download(tab, cta):
    box = box_of(tab.page, cta)
    box.get_by_label("Name", exact=True).fill("Ana Lima")
    box.get_by_label("Work email", exact=True).fill(EMAIL)
    box.get_by_label(cta.consent).check()
    box.get_by_role("button", name="Download Now").click()
    expect(box.get_by_role("heading", name="Thank you")).to_be_visible()
    return box


LISTEN = """
window.conversions = [];
window.dataLayer = [];
document.addEventListener("leadsite:conversion", (event) => window.conversions.push(event.detail));
"""


def test_after_a_download_the_newsletter_does_not_ask_for_the_email_again(offers, browser):
    tab = open_tab(browser, offers)
    tab.goto(offers["article"].url)
    box = download(tab, offers["download"])
    expect(box).to_contain_text(f"to {EMAIL}")

    newsletter = box_of(tab.page, offers["newsletter"])
    expect(newsletter.get_by_label("Email", exact=True)).to_be_hidden()
    expect(newsletter).to_contain_text(f"As {EMAIL}")
    newsletter.get_by_label(offers["newsletter"].consent).check()
    newsletter.get_by_role("button", name="Subscribe").click()
    expect(newsletter.get_by_role("heading", name="Thank you")).to_be_visible()
    emails = set(Submission.objects.values_list("email", flat=True))
    assert emails == {EMAIL}

    # And on the next page of the visit, too; "Change" brings the field back.
    tab.goto(offers["article"].url)
    newsletter = box_of(tab.page, offers["newsletter"])
    expect(newsletter.get_by_label("Email", exact=True)).to_be_hidden()
    newsletter.get_by_role("button", name=re.compile("Change")).click()
    expect(newsletter.get_by_label("Email", exact=True)).to_be_focused()
    expect(newsletter.get_by_label("Email", exact=True)).to_have_value(EMAIL)
    assert tab.console_errors == []
    tab.page.context.close()


def test_a_conversion_fires_the_documented_event_and_data_layer_push(offers, browser):
    tab = open_tab(browser, offers, init_script=LISTEN)
    tab.goto(offers["article"].url)
    download(tab, offers["download"])
    cta = str(offers["download"].pk)
    expect_detail = [{"cta": cta, "kind": "download"}]
    assert tab.page.evaluate("window.conversions") == expect_detail
    pushed = tab.page.evaluate("window.dataLayer")
    assert pushed == [{"event": "leadsite_conversion", "cta": cta, "kind": "download"}]
    tab.page.context.close()


def test_the_thank_you_page_of_its_own_url_fires_the_event_too(offers, browser):
    # Without JavaScript the form posts and lands on /leads/thanks/<token>/.
    context = browser.new_context(
        viewport=DESKTOP, base_url=offers["url"], java_script_enabled=False
    )
    page = context.new_page()
    page.goto(offers["url"] + offers["article"].url)
    box = box_of(page, offers["download"])
    box.get_by_label("Name", exact=True).fill("Ana Lima")
    box.get_by_label("Work email", exact=True).fill(EMAIL)
    box.get_by_label(offers["download"].consent).check()
    box.get_by_role("button", name="Download Now").click()
    page.wait_for_url(re.compile(r"/leads/thanks/[^/]+/$"))
    thanks_url = page.url
    context.close()

    tab = open_tab(browser, offers, init_script=LISTEN)
    tab.page.goto(thanks_url)
    expect(tab.page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(tab.page.get_by_role("link", name=re.compile("more articles"))).to_be_visible()
    conversions = tab.page.evaluate("window.conversions")
    assert conversions == [{"cta": str(offers["download"].pk), "kind": "download"}]
    tab.page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280", "390"])
def test_article_and_home_with_the_offer_are_axe_clean(offers, browser, viewport):
    tab = open_tab(browser, offers, viewport=viewport)
    tab.goto(offers["article"].url)
    expect(tab.page.locator(".offer__facts")).to_contain_text("2 pages")
    assert_axe_clean(tab, f"article at {viewport['width']}")
    download(tab, offers["download"])
    assert_axe_clean(tab, f"article after a download at {viewport['width']}")
    tab.goto("/")
    expect(tab.page.get_by_role("link", name="Get the free eBook")).to_be_visible()
    assert_axe_clean(tab, f"home at {viewport['width']}")
    tab.page.context.close()
