"""The editor's live preview panel in real Chromium: the page and the CTA render inside it.

Wagtail renders a preview through the site's whole middleware chain as a request for the
public URL, so the public `frame-ancestors 'none'` used to reach the panel's iframe and
Chromium showed it blank. Public pages keep that policy.
"""

import pytest

from tests.e2e.conftest import log_in_as
from tests.factories import make_article, make_cta

pytestmark = pytest.mark.e2e


def open_preview_panel(tab):
    """Open the side panel and return the preview iframe's contents (Wagtail loads each
    preview into a new iframe, which then takes the place and the id of the old one)."""
    tab.page.locator('[data-side-panel-toggle="preview"]').click()
    return tab.page.frame_locator("#w-preview-iframe")


def test_article_renders_inside_the_preview_panel(site, tab):
    article = make_article(
        site["index"],
        "Previewed article",
        body=[("section", "<h2>Inside the panel</h2><p>Readable in the preview.</p>")],
    )
    log_in_as(tab, "Editors", "eve", is_superuser=True)
    tab.goto(f"/admin/pages/{article.pk}/edit/")
    panel = open_preview_panel(tab)
    panel.get_by_role("heading", name="Previewed article", level=1).wait_for(timeout=15_000)
    assert panel.get_by_role("heading", name="Inside the panel").is_visible()
    assert panel.locator("article").count() >= 1
    assert not any("frame-ancestors" in error for error in tab.console_errors)


def test_cta_renders_inside_the_preview_panel(site, tab):
    cta = make_cta("quote", headline="Ask for a previewed quote")
    log_in_as(tab, "Editors", "eve", is_superuser=True)
    tab.goto(f"/admin/snippets/leads/calltoaction/edit/{cta.pk}/")
    panel = open_preview_panel(tab)
    panel.get_by_text("Ask for a previewed quote").first.wait_for(timeout=15_000)
    assert not any("frame-ancestors" in error for error in tab.console_errors)


def test_public_page_still_refuses_to_be_framed(site, tab):
    article = make_article(site["index"], "Unframeable article")
    response = tab.goto(article.url)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
