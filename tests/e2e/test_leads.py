"""Lead capture as a reader meets it in Chromium: every CTA kind, with and without JavaScript.

One article carries one CTA of each kind: three in its body, the newsletter after it (the
article's own `cta`). The time trap is off (LEAD_FORM_MIN_SECONDS=0), so a browser that types
faster than a person is not quarantined, except in the test that proves the trap.
"""

import functools
import os
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from leads.capture import forms
from leads.capture.tokens import form_token
from leads.models import Status, Submission, Subscription, SubscriptionStatus
from tests.factories import capture_lead, make_article, make_cta, make_document

from .conftest import DESKTOP, MOBILE, Tab, assert_axe_clean, format_violations

pytestmark = pytest.mark.e2e

KINDS = ("download", "quote", "newsletter", "webinar")
BUTTONS = {
    "download": "Download Now",
    "quote": "Get Your Free Quote",
    "newsletter": "Subscribe",
    "webinar": "Reserve my seat",
}
EMAIL = "ana@acme.example"
PDF = b"%PDF-1.4\n% The lead capture checklist\n%%EOF\n"
THANKS_URL = re.compile(r"/leads/thanks/[^/]+/$")


@pytest.fixture
def leads(site, settings):
    """An article with a CTA of each kind, and an older article that links to it."""
    settings.LEAD_FORM_MIN_SECONDS = 0
    index = site["index"]
    landing = make_article(index, "Where good leads come from")
    ctas = {
        "download": make_cta(
            "download",
            headline="Get the lead capture checklist",
            document=make_document("Lead capture checklist", content=PDF),
        ),
        "quote": make_cta("quote", headline="Ask us for a quote"),
        "newsletter": make_cta("newsletter", headline="The Friday lead letter"),
        "webinar": make_cta("webinar", headline="Live: forms that convert"),
    }
    article = make_article(
        index,
        "Capturing leads without annoying readers",
        body=[
            ("section", "<h2>Offer something useful</h2><p>A checklist beats a popup.</p>"),
            ("cta", ctas["download"]),
            ("section", "<h2>Ask for a conversation</h2><p>Some readers are ready.</p>"),
            ("cta", ctas["quote"]),
            ("cta", ctas["webinar"]),
        ],
        cta=ctas["newsletter"],
    )
    return {**site, "landing": landing, "article": article, "ctas": ctas}


def new_tab(browser, site, *, javascript=True, viewport=DESKTOP):
    context = browser.new_context(
        viewport=viewport, base_url=site["url"], java_script_enabled=javascript
    )
    tab = Tab(context.new_page(), site["url"])
    tab.javascript = javascript
    return tab


@pytest.fixture(params=["js", "no-js"])
def any_tab(request, site, browser):
    """A tab with JavaScript, then one without: lead forms must work in both."""
    tab = new_tab(browser, site, javascript=request.param == "js")
    yield tab
    tab.page.context.close()


@pytest.fixture
def no_js_tab(site, browser):
    tab = new_tab(browser, site, javascript=False)
    yield tab
    tab.page.context.close()


def cta_box(page, cta):
    """The CTA's box; it keeps its aria-labelledby when its content is replaced in place."""
    return page.locator(f'[aria-labelledby="cta{cta.pk}-title"]')


def fill_answers(box, cta):
    """Answer the CTA's form as a person does, finding each field by its label."""
    if cta.kind in {"download", "quote", "webinar"}:
        box.get_by_label("Name", exact=True).fill("Ana Lima")
    email_label = "Work email" if cta.kind in {"download", "quote"} else "Email"
    email = box.get_by_label(email_label, exact=True)
    if email.is_visible():
        email.fill(EMAIL)
    else:  # given earlier in this visit: the form says so instead of asking again (leads.js)
        expect(box).to_contain_text(EMAIL)
    if cta.kind in {"quote", "webinar"}:
        box.get_by_label("Company", exact=True).fill("Acme")
    if cta.kind == "quote":
        box.get_by_label("Phone (optional)").fill("+44 20 7946 0000")
        box.get_by_label("Budget").select_option(label="$5,000 to $20,000")
        box.get_by_label("Timeline").select_option(label="Within 3 months")
        box.get_by_label("What do you need?").fill("A quote for lead capture on our blog.")
    if cta.kind in {"download", "newsletter"}:
        box.get_by_label(cta.consent).check()


def submit(box, cta):
    box.get_by_role("button", name=BUTTONS[cta.kind], exact=True).click()


def answer_in_place(tab, cta):
    """Fill in and send the CTA on the current page with JavaScript; wait for the thank-you."""
    box = cta_box(tab.page, cta)
    fill_answers(box, cta)
    submit(box, cta)
    expect(box.get_by_role("heading", name="Thank you")).to_be_visible()
    return box


def only_submission() -> Submission:
    submissions = list(Submission.objects.all())
    assert len(submissions) == 1, f"{len(submissions)} submissions stored"
    return submissions[0]


def confirm_link(mailoutbox, kind) -> str:
    """The path of a link from the opt-in email (links are absolute, to the public site)."""
    (message,) = [m for m in mailoutbox if m.to == [EMAIL]]
    url = re.search(rf"https?://\S+/leads/{kind}/\S+/", message.body).group(0)
    return urlsplit(url).path


def assert_no_axe_violations(tab, where):
    javascript = getattr(tab, "javascript", True)
    violations = tab.axe_violations() if javascript else axe_violations_without_javascript(tab)
    assert violations == [], f"axe, {where}:\n{format_violations(violations)}"


def axe_violations_without_javascript(tab):
    """axe, a script, cannot run where scripts are off: it checks the same HTML, at the same
    URL and with the same styles, in a tab where scripts run but leads.js is left out."""
    html, url = tab.page.content(), tab.page.url
    context = tab.page.context.browser.new_context(viewport=tab.page.viewport_size)
    try:
        checker = context.new_page()
        checker.route("**/js/leads.js*", lambda route: route.fulfill(body=""))
        checker.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        checker.goto(url)
        return Tab(checker, tab.base_url).axe_violations()
    finally:
        context.close()


@pytest.mark.parametrize("kind", KINDS)
def test_answer_with_javascript_thanks_in_place_and_stores_one_submission(leads, tab, kind):
    cta, article = leads["ctas"][kind], leads["article"]
    tab.goto(article.url)
    url = tab.page.url

    box = answer_in_place(tab, cta)

    expect(box.get_by_role("heading", name="Thank you")).to_be_focused()
    expect(box).to_have_accessible_name("Thank you")  # still a named region, now of the answer
    assert tab.page.url == url
    submission = only_submission()
    assert (submission.cta_id, submission.page_id) == (cta.pk, article.pk)
    assert submission.answers["email"] == EMAIL
    assert submission.status == Status.NEW
    assert tab.console_errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_answer_without_javascript_lands_on_thank_you_page_that_reloads_safely(
    leads, no_js_tab, kind
):
    cta, article = leads["ctas"][kind], leads["article"]
    page = no_js_tab.page
    no_js_tab.goto(article.url)
    box = cta_box(page, cta)
    fill_answers(box, cta)

    submit(box, cta)
    expect(page).to_have_url(THANKS_URL)
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    submission = only_submission()
    assert (submission.cta_id, submission.page_id) == (cta.pk, article.pk)


def test_double_click_on_submit_stores_one_submission(leads, tab):
    cta = leads["ctas"]["quote"]
    tab.goto(leads["article"].url)
    box = cta_box(tab.page, cta)
    fill_answers(box, cta)

    box.get_by_role("button", name=BUTTONS["quote"]).dblclick()

    expect(box.get_by_role("heading", name="Thank you")).to_be_visible()
    only_submission()


def test_gated_document_downloads_from_thank_you_but_not_from_its_public_url(leads, tab):
    cta = leads["ctas"]["download"]
    document = cta.document
    tab.goto(leads["article"].url)
    box = answer_in_place(tab, cta)

    with tab.page.expect_download() as started:
        box.get_by_role("link", name=f"Download {document.title}").click()
    download = started.value

    assert download.failure() is None
    assert download.suggested_filename == document.filename
    assert Path(download.path()).read_bytes() == PDF
    assert urlsplit(document.url).path == f"/documents/{document.pk}/{document.filename}"
    assert tab.goto(document.url).status == 404


def test_newsletter_subscription_is_confirmed_by_the_emailed_link(leads, tab, mailoutbox):
    tab.goto(leads["article"].url)
    answer_in_place(tab, leads["ctas"]["newsletter"])
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING
    page = tab.page

    # The live server runs in this process, so the locmem outbox holds its emails.
    tab.goto(confirm_link(mailoutbox, "subscribe/confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING
    page.get_by_role("button", name="Confirm my subscription").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert Subscription.objects.get().status == SubscriptionStatus.CONFIRMED


def test_unsubscribe_link_in_opt_in_email_unsubscribes(leads, tab, mailoutbox):
    tab.goto(leads["article"].url)
    answer_in_place(tab, leads["ctas"]["newsletter"])
    page = tab.page

    tab.goto(confirm_link(mailoutbox, "unsubscribe"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    subscription = Subscription.objects.select_related("contact").get()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert subscription.contact.unsubscribed_at is not None


def test_unsubscribe_page_shows_the_state_and_resubscribes(leads, tab, mailoutbox):
    tab.goto(leads["article"].url)
    answer_in_place(tab, leads["ctas"]["newsletter"])
    page = tab.page
    tab.goto(confirm_link(mailoutbox, "subscribe/confirm"))
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    tab.goto(confirm_link(mailoutbox, "unsubscribe"))
    page.get_by_role("button", name="Unsubscribe").click()

    tab.goto(confirm_link(mailoutbox, "unsubscribe"))  # opened again later

    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    expect(page.get_by_role("button", name="Unsubscribe")).to_have_count(0)
    assert_no_axe_violations(tab, "unsubscribe page, unsubscribed")
    page.get_by_role("button", name="Resubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed again")
    subscription = Subscription.objects.select_related("contact").get()
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.contact.unsubscribed_at is None


def test_form_errors_are_summarised_linked_focused_and_keep_answers(leads, any_tab):
    cta = leads["ctas"]["quote"]
    page = any_tab.page
    any_tab.goto(leads["article"].url)
    box = cta_box(page, cta)
    box.get_by_label("Name", exact=True).fill("Ana Lima")

    submit(box, cta)

    if not any_tab.javascript:  # the form comes back on a page of its own
        expect(page).to_have_url(re.compile(rf"/leads/cta/{cta.pk}/submit/$"))
        box = cta_box(page, cta)
    summary = box.get_by_role("alert")
    expect(summary).to_contain_text("Please check the form:")
    invalid = ["email", "company", "budget", "timeline", "message"]
    expect(summary.get_by_role("link")).to_have_count(len(invalid))
    for name in invalid:
        field = box.locator(f"#cta{cta.pk}_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = field.get_attribute("aria-describedby").split()
        assert f"cta{cta.pk}_{name}_error" in described_by, (name, described_by)
        expect(box.locator(f"#cta{cta.pk}_{name}_error")).to_have_text(re.compile(r"\w"))
        expect(summary.locator(f'a[href="#cta{cta.pk}_{name}"]')).to_have_count(1)
    expect(box.get_by_label("Phone (optional)")).not_to_have_attribute("aria-invalid", "true")
    expect(box.get_by_label("Name", exact=True)).to_have_value("Ana Lima")
    if not any_tab.javascript:
        expect(box.get_by_label("Work email")).to_have_attribute("autofocus", "")
    assert page.evaluate("document.activeElement.id") == f"cta{cta.pk}_email"
    assert_no_axe_violations(any_tab, "quote form with errors")


def test_thank_you_has_no_axe_violations(leads, any_tab):
    cta = leads["ctas"]["download"]
    any_tab.goto(leads["article"].url)
    box = cta_box(any_tab.page, cta)
    fill_answers(box, cta)

    submit(box, cta)

    expect(any_tab.page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_no_axe_violations(any_tab, "download thank-you")


def test_article_with_every_cta_kind_has_no_axe_violations(leads, tab):
    tab.goto(leads["article"].url)
    expect(tab.page.locator("[data-lead-cta]")).to_have_count(len(KINDS))
    assert_no_axe_violations(tab, "article with four CTAs")


def test_first_touch_campaign_follows_the_reader_to_the_page_they_answer_on(leads, tab):
    page = tab.page
    article = leads["article"]
    tab.goto(leads["landing"].url + "?utm_source=linkedin&utm_campaign=launch")
    landing_url = page.url

    page.get_by_role("navigation", name="More articles").get_by_role(
        "link", name=re.compile(re.escape(article.title))
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    answer_in_place(tab, leads["ctas"]["quote"])

    submission = only_submission()
    assert submission.first_touch["landing_page"] == landing_url
    assert parse_qs(urlsplit(submission.first_touch["landing_page"]).query)["utm_source"] == [
        "linkedin"
    ]
    assert (submission.utm_source, submission.utm_campaign) == ("linkedin", "launch")
    assert submission.page_id == article.pk


def test_article_with_ctas_sets_no_cookie(leads, tab):
    response = tab.goto(leads["article"].url)

    assert response.status == 200
    assert "set-cookie" not in response.all_headers()
    assert tab.page.context.cookies() == []


def test_form_sent_faster_than_a_person_types_is_quarantined_but_thanked(
    leads, tab, settings, mailoutbox
):
    settings.LEAD_FORM_MIN_SECONDS = 60
    tab.goto(leads["article"].url)

    box = answer_in_place(tab, leads["ctas"]["quote"])

    expect(box.get_by_role("heading", name="Thank you")).to_be_focused()
    submission = only_submission()
    assert submission.status == Status.SPAM
    assert "sent faster than a person can type" in submission.spam_reasons
    assert mailoutbox == []


def test_time_trap_counts_from_the_view_of_a_page_served_from_the_cache(
    leads, tab, settings, monkeypatch
):
    """The page was rendered (and cached) ten minutes before this visitor loaded it; a form
    sent at once after the view is still caught."""
    settings.LEAD_FORM_MIN_SECONDS = 60
    url = leads["url"] + leads["article"].url
    ten_minutes_ago = functools.partial(form_token, issued_at=time.time() - 600)
    with monkeypatch.context() as patch:
        patch.setattr(forms, "form_token", ten_minutes_ago)
        with urllib.request.urlopen(url) as response:
            assert response.headers["X-Page-Cache"] == "miss"

    with tab.page.expect_response(lambda r: r.url.endswith("/leads/forms/viewed/")) as viewed:
        response = tab.goto(leads["article"].url)
    assert response.headers["x-page-cache"] == "hit"
    assert viewed.value.status == 200
    box = answer_in_place(tab, leads["ctas"]["quote"])

    expect(box.get_by_role("heading", name="Thank you")).to_be_focused()
    submission = only_submission()
    assert submission.status == Status.SPAM
    assert "sent faster than a person can type" in submission.spam_reasons
    assert tab.console_errors == []


def test_quote_cta_fits_a_phone_screen(leads, browser):
    tab = new_tab(browser, leads, viewport=MOBILE)
    tab.goto(leads["article"].url)
    box = cta_box(tab.page, leads["ctas"]["quote"])
    box.scroll_into_view_if_needed()

    widths = tab.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page scrolls sideways on a phone: {widths}"
    for control in box.locator(
        "input:not([type=hidden]):not([tabindex='-1']), select, textarea, button"
    ).all():
        rect = control.bounding_box()
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= MOBILE["width"], rect
    tab.page.context.close()


def test_campaign_link_with_a_nul_loses_no_lead_of_the_visit(leads, tab):
    """`?utm_source=newsletter%00` used to be a 500 on PostgreSQL for every form of the tab:
    leads.js posts the visit's first touch with each of them."""
    page = tab.page
    tab.goto(leads["article"].url + "?utm_source=newsletter%00&utm_campaign=spring%1B")

    answer_in_place(tab, leads["ctas"]["quote"])
    answer_in_place(tab, leads["ctas"]["webinar"])

    submissions = list(Submission.objects.order_by("pk"))
    assert [s.cta_kind for s in submissions] == ["quote", "webinar"]
    for submission in submissions:
        assert (submission.utm_source, submission.utm_campaign) == ("newsletter", "spring")
        assert submission.first_touch["utm_source"] == "newsletter"
        assert "%00" not in submission.first_touch["landing_page"]
    assert tab.console_errors == []
    assert page.evaluate("sessionStorage.getItem('leadsite.firstTouch')") is not None


def test_first_touch_is_forgotten_after_a_server_error(leads, tab):
    """Whatever made the server fail must not ride along with every later form of the tab."""
    page = tab.page
    article = leads["article"]
    tab.goto(leads["landing"].url + "?utm_source=linkedin")
    page.get_by_role("navigation", name="More articles").get_by_role(
        "link", name=re.compile(re.escape(article.title))
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    quote, webinar = leads["ctas"]["quote"], leads["ctas"]["webinar"]
    # The one faked answer: a server error, which no input can cause any more.
    page.route(
        f"**/leads/cta/{quote.pk}/submit/",
        lambda route: route.fulfill(status=500, body="<p>Server error</p>"),
    )
    box = cta_box(page, quote)
    fill_answers(box, quote)
    submit(box, quote)
    expect(box.get_by_text("Server error")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('leadsite.firstTouch')") is None

    answer_in_place(tab, webinar)
    submission = only_submission()
    assert submission.cta_kind == "webinar"
    assert submission.first_touch["landing_page"] == page.url, "the article, not the landing"
    assert submission.utm_source == ""


# Without JavaScript, a mistake on the way (set SCREENSHOTS=<directory> to keep each page).

CAMPAIGN = "?utm_source=newsletter&utm_campaign=spring"


def snap(page, name):
    if directory := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "phone"])
def test_mistyped_form_without_javascript_keeps_the_campaign_and_leads_back(
    leads, browser, viewport
):
    cta, article = leads["ctas"]["quote"], leads["article"]
    tab = new_tab(browser, leads, javascript=False, viewport=viewport)
    page = tab.page
    size = "desktop" if viewport == DESKTOP else "phone"
    tab.goto(article.url + CAMPAIGN)
    box = cta_box(page, cta)
    fill_answers(box, cta)
    box.get_by_label("Work email", exact=True).fill("ana-at-acme")

    box.get_by_role("button", name="Get Your Free Quote").click()
    expect(page.get_by_text("Please check the form:")).to_be_visible()
    back = page.get_by_role("link", name=f"Back to “{article.title}”")
    expect(back).to_be_visible()
    snap(page, f"error-{size}")

    page.get_by_label("Work email", exact=True).fill("ana@acme.example")
    page.get_by_role("button", name="Get Your Free Quote").click()
    expect(page).to_have_url(THANKS_URL)
    snap(page, f"thanks-{size}")

    submission = only_submission()
    assert submission.landing_page == leads["url"] + article.url + CAMPAIGN
    assert (submission.utm_source, submission.utm_campaign) == ("newsletter", "spring")
    page.get_by_role("link", name=f"Back to “{article.title}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "phone"])
def test_full_webinar_page_says_so_and_leads_back(leads, browser, viewport):
    """The last seat goes while the reader fills in the form (a full webinar shows no form).

    Without leads.js rather than without JavaScript: the form posts as it does without
    JavaScript, and axe (a script) can still check the page it gets."""
    cta, article = leads["ctas"]["webinar"], leads["article"]
    cta.seat_limit = 1
    cta.save(update_fields=["seat_limit"])
    tab = new_tab(browser, leads, viewport=viewport)
    page = tab.page
    page.route("**/js/leads.js", lambda route: route.abort())
    tab.goto(article.url)
    box = cta_box(page, cta)
    fill_answers(box, cta)
    capture_lead(cta, email="first@acme.example")

    submit(box, cta)
    expect(page.get_by_text("Sorry, this webinar is full")).to_be_visible()
    snap(page, f"full-{'desktop' if viewport == DESKTOP else 'phone'}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_axe_clean(tab, "full webinar page")
    page.get_by_role("link", name=f"Back to “{article.title}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    page.context.close()
