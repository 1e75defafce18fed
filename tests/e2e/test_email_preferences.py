"""What a recipient reaches from an email, in Chromium on a phone and a desktop: the
unsubscribe page asks before it acts, and the preference centre changes lists, unsubscribes
from everything and resubscribes; every state axe-clean, and all of it works without
JavaScript."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from leads.models import Subscription, SubscriptionStatus
from mailings import links
from tests.mailings.recipients import make_list, make_send, make_subscriber

from .conftest import DESKTOP, MOBILE, Tab, assert_axe_clean

pytestmark = pytest.mark.e2e


def walk_through(tab, *, check=lambda where: None):
    """The recipient's path: unsubscribe page, preference centre, a list joined, everything
    stopped, then resubscribed. `check(where)` runs at each state."""
    newsletter = make_list("newsletter", "The newsletter", description="One email a month.")
    events = make_list("events", "Event invitations", description="Webinars, twice a year.")
    contact = make_subscriber("ana@firm.example", lists=[newsletter])
    page = tab.page

    tab.goto(urlsplit(links.unsubscribe_url(make_send(contact).reference)).path)
    expect(page.get_by_role("heading", name="Unsubscribe")).to_be_visible()
    check("unsubscribe page")
    page.get_by_role("link", name="Choose the emails you get").click()

    expect(page.get_by_role("heading", name="Your email preferences")).to_be_visible()
    expect(page.get_by_text("a***@firm.example")).to_be_visible()
    check("preference centre")
    expect(page.get_by_label("The newsletter")).to_be_checked()
    page.get_by_label("Event invitations").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    assert Subscription.objects.get(contact=contact, mailing_list=events).status == (
        SubscriptionStatus.CONFIRMED
    )

    page.get_by_role("button", name="Unsubscribe from all email").click()
    expect(page.get_by_role("heading", name="You are unsubscribed from all email")).to_be_visible()
    check("unsubscribed")
    page.get_by_role("button", name="Resubscribe").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()
    expect(page.get_by_label("The newsletter")).to_be_checked()
    check("resubscribed")
    assert tab.foreign_requests() == []


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["phone", "desktop"])
def test_every_state_is_accessible(site, browser, viewport):
    context = browser.new_context(viewport=viewport, base_url=site["url"])
    tab = Tab(context.new_page(), site["url"])

    walk_through(tab, check=lambda where: assert_axe_clean(tab, where))

    assert tab.console_errors == []
    context.close()


def test_it_all_works_without_javascript(site, browser):
    context = browser.new_context(viewport=MOBILE, base_url=site["url"], java_script_enabled=False)

    walk_through(Tab(context.new_page(), site["url"]))

    context.close()
