"""Scoring rules in Chromium (leads/admin/scoring.py): a sales manager builds a rule by
picking what it matches from a list of labelled choices, never by typing a code, and the
list and the form are axe-clean on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from leads.models import ScoringRule

from .conftest import MOBILE, Tab, assert_axe_clean, assert_fits_a_phone, log_in_as

pytestmark = pytest.mark.e2e


def test_manager_builds_an_answer_rule_by_picking_field_and_value(tab, site):
    page = tab.page
    log_in_as(tab, "Sales managers", "morgan")
    tab.goto("/admin/leads/scoring/new/")

    when = page.get_by_role("combobox", name="When")
    expect(when.locator("optgroup[label='Timeline'] option")).to_have_count(4)
    expect(page.get_by_label("Value")).to_have_count(0)  # no typed codes
    assert_axe_clean(tab, "new scoring rule")
    when.select_option(label="Timeline: Just exploring")
    page.get_by_role("spinbutton", name="Points").fill("-5")
    page.get_by_role("button", name="Create").click()

    expect(page.get_by_role("row", name="Timeline: Just exploring")).to_be_visible()
    rule = ScoringRule.objects.get(signal="answer", field="timeline", value="exploring")
    assert (rule.points, rule.label) == (-5, "Timeline: Just exploring")
    assert_axe_clean(tab, "scoring rules after adding one")
    assert tab.foreign_requests() == []


@pytest.mark.parametrize("path", ["/admin/leads/scoring/", "/admin/leads/scoring/new/"])
def test_scoring_screens_are_axe_clean_on_a_phone(browser, site, path):
    context = browser.new_context(viewport=MOBILE, base_url=site["url"])
    tab = Tab(context.new_page(), site["url"])
    log_in_as(tab, "Sales managers", "morgan")

    tab.goto(path)

    assert_axe_clean(tab, f"{path}, on a phone")
    widths = tab.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} scrolls sideways on a phone: {widths}"
    context.close()


def test_new_rule_form_fits_a_phone(browser, site):
    """The "When" select lists long answers ("Timeline: Just exploring"); Wagtail sizes a
    select to its longest option, which made the field 17 px wider than the form."""
    context = browser.new_context(viewport=MOBILE, base_url=site["url"])
    tab = Tab(context.new_page(), site["url"])
    log_in_as(tab, "Sales managers", "morgan")

    tab.goto("/admin/leads/scoring/new/")

    assert_fits_a_phone(tab, "new scoring rule")
    context.close()
