"""The privacy tools in Chromium: a sales manager finds a person, erases them after typing the
address again; every step is axe-clean, and the address never reaches a URL."""

import pytest
from playwright.sync_api import expect

from leads.models import Contact
from tests.factories import capture_lead, make_cta

from .conftest import assert_axe_clean, log_in_as

pytestmark = pytest.mark.e2e

EMAIL = "ilse.vandermeer@vdm.example"


def test_manager_finds_and_erases_a_person_on_accessible_pages(tab):
    capture_lead(make_cta("quote"), email=EMAIL, name="Ilse Vandermeer")
    log_in_as(tab, "Sales managers", "morgan")

    tab.goto("/admin/leads/privacy/")
    assert_axe_clean(tab)
    tab.page.get_by_label("Email address").fill(EMAIL)
    tab.page.get_by_role("button", name="Find").click()
    expect(tab.page.get_by_role("heading", name="What is held")).to_be_visible()
    assert_axe_clean(tab)

    tab.page.get_by_role("button", name="Erase…").click()
    expect(tab.page.get_by_role("heading", name="Erase this person's data?")).to_be_visible()
    assert_axe_clean(tab)
    tab.page.get_by_label("Type the email address again to confirm").fill(EMAIL.upper())
    tab.page.get_by_role("button", name="Yes, erase").click()

    expect(tab.page.get_by_text("Erased: 1 contacts, 1 submissions")).to_be_visible()
    assert_axe_clean(tab)
    assert not Contact.objects.filter(email=EMAIL).exists()
    assert not [url for url in tab.requests if "ilse" in url.lower()]
    assert tab.foreign_requests() == []  # the admin loads nothing from elsewhere (no Gravatar)
    assert tab.console_errors == []
