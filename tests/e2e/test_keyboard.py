"""Keyboard users: the skip link comes first, and every stop in the header shows where it is."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FOCUS_RING = """el => {
    const style = getComputedStyle(el);
    return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def focused(page):
    return page.locator(":focus")


def assert_focus_ring_visible(locator):
    ring = locator.evaluate(FOCUS_RING)
    assert ring["style"] not in {"none", "hidden"} and ring["width"] >= 2, ring


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(site, tab):
    page = tab.page
    tab.goto("/")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.bounding_box()["y"] < 0, "the skip link should be off-screen until focused"

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0, "the focused skip link should be on screen"
    assert_focus_ring_visible(skip)

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Read the articles")).to_be_focused()


def test_tab_reaches_brand_nav_and_search_with_a_visible_focus_ring(site, tab):
    page = tab.page
    tab.goto("/")
    header = page.get_by_role("banner")
    stops = [
        page.get_by_role("link", name="Skip to content"),
        header.get_by_role("link", name="LeadSite"),
        header.get_by_role("link", name="Articles"),
        header.get_by_role("link", name="Topics"),
        header.get_by_role("searchbox", name="Search articles"),
        header.get_by_role("button", name="Search"),
    ]
    for stop in stops:
        page.keyboard.press("Tab")
        expect(stop).to_be_focused()
        assert_focus_ring_visible(focused(page))


def test_current_section_is_marked_in_the_main_navigation(site, tab):
    page = tab.page
    tab.goto("/posts/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Articles")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Topics")).not_to_have_attribute("aria-current", "page")
