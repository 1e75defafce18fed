"""The admin is LeadSite's, in Chromium: the branded sign-in page and the dashboards of an
editor, a salesperson and a superuser, axe-clean at 1280 and 390 px wide, never wider than the
window, and loading nothing from another site."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from leads.models import CTAImpression, Status
from tests.factories import make_cta, make_lead

from .conftest import DESKTOP, MOBILE, PASSWORD, Tab, assert_axe_clean, log_in_as

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": DESKTOP, "phone": MOBILE}
ROLES = {"editor": "Editors", "sales": "Sales", "admin": None}


@pytest.fixture
def dashboard_data(site):
    quote = make_cta("quote", title="Free quote")
    make_cta("newsletter", title="Weekly notes")
    CTAImpression.objects.create(
        day=timezone.localdate(), cta=quote, page=site["home"], count=12345
    )
    for n in range(3):
        make_lead(quote, name=f"Person {n}", email=f"person{n}@acme.example")
    return {"quote": quote}


def open_tab(browser, site, width) -> Tab:
    context = browser.new_context(viewport=WIDTHS[width], base_url=site["url"])
    return Tab(context.new_page(), site["url"])


def assert_fits(tab, where):
    widths = tab.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"


def sign_in(tab, role):
    if ROLES[role] is None:
        User.objects.create_superuser(role, f"{role}@staff.example", PASSWORD)
        tab.goto("/admin/login/")
        tab.page.get_by_label("Username").fill(role)
        tab.page.get_by_label("Password").fill(PASSWORD)
        tab.page.get_by_role("button", name="Sign in").click()
        tab.page.wait_for_url("**/admin/")
        return User.objects.get(username=role)
    return log_in_as(tab, ROLES[role], role)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_sign_in_page_is_leadsites_and_axe_clean(browser, site, width):
    tab = open_tab(browser, site, width)
    tab.goto("/admin/login/")

    expect(tab.page).to_have_title("Sign in - LeadSite")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Sign in to LeadSite")
    expect(tab.page.locator(".leadsite-login-logo img")).to_be_visible()
    expect(tab.page.get_by_label("Username")).to_be_visible()
    expect(tab.page.get_by_label("Password")).to_be_visible()
    assert "Wagtail" not in tab.page.locator("main").inner_text()
    assert_axe_clean(tab, f"sign-in, {width}")
    assert_fits(tab, f"sign-in, {width}")
    assert tab.foreign_requests() == []
    tab.page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(ROLES))
def test_dashboard_is_axe_clean(browser, site, dashboard_data, role, width):
    tab = open_tab(browser, site, width)
    user = sign_in(tab, role)
    if role == "sales":  # the superuser has none: the panel's empty state is checked too
        make_lead(dashboard_data["quote"], name="Ana Lima", owner=user, status=Status.IN_REVIEW)
        tab.page.reload()
    page = tab.page

    expect(page).to_have_title("Dashboard - LeadSite")
    ctas = page.locator("#ctas-this-month-section")
    leads = page.locator("#leads-dashboard-section")
    if role in {"editor", "admin"}:
        expect(ctas).to_contain_text("12,345")
        expect(ctas).to_contain_text("Free quote")
    else:
        expect(ctas).to_have_count(0)
    if role in {"sales", "admin"}:
        expect(leads.get_by_role("link", name="In review")).to_be_visible()
        if role == "sales":
            expect(leads).to_contain_text("Ana Lima")
        else:
            expect(leads).to_contain_text("No open leads are assigned to you")
        expect(leads.get_by_role("link", name="Open the inbox")).to_be_visible()
    else:
        expect(leads).to_have_count(0)
        assert "@acme.example" not in page.content()
    if role == "sales":
        expect(page.get_by_role("search")).to_have_count(0)
    assert_axe_clean(tab, f"{role}'s dashboard, {width}")
    assert_fits(tab, f"{role}'s dashboard, {width}")
    assert tab.foreign_requests() == []
    page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_pages_explorer_opens_at_home(browser, site, width):
    tab = open_tab(browser, site, width)
    log_in_as(tab, "Editors", "edna")
    if width == "phone":
        tab.page.get_by_role("button", name="Toggle sidebar").click()
    tab.page.get_by_role("button", name="Pages", exact=True).click()
    explorer = tab.page.get_by_role("dialog", name="Page explorer")
    expect(explorer.locator(".c-page-explorer__header")).to_contain_text(site["home"].title)
    expect(explorer.get_by_role("link", name=site["index"].title, exact=True)).to_be_visible()
    assert_axe_clean(tab, f"the Pages explorer, {width}")
    tab.page.context.close()
