"""The Content-Security-Policy in real Chromium: the site runs under it, injected script not."""

import pytest

from tests.e2e.test_leads import answer_in_place
from tests.factories import make_article, make_cta

pytestmark = pytest.mark.e2e

COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def cta(site):
    return make_cta("quote", headline="Ask us for a quote")


@pytest.fixture
def article(site, cta):
    return make_article(site["index"], "Policy article", cta=cta)


@pytest.fixture
def watched_tab(tab):
    tab.page.add_init_script(COLLECT_VIOLATIONS)
    return tab


def test_article_and_its_cta_work_without_a_single_violation(article, cta, watched_tab, settings):
    settings.LEAD_FORM_MIN_SECONDS = 0
    response = watched_tab.goto(article.url)
    directives = [d.split() for d in response.headers["content-security-policy"].split(";")]
    assert ["script-src", "'self'"] in directives
    answer_in_place(watched_tab, cta)  # leads.js posts it and shows the thank-you in place
    assert watched_tab.page.evaluate("window.cspViolations") == []
    assert watched_tab.console_errors == []


def test_injected_inline_script_does_not_run_on_a_public_page(article, watched_tab):
    page = watched_tab.page
    watched_tab.goto(article.url)
    page.evaluate(
        """() => document.body.insertAdjacentHTML("beforeend",
            '<img src="/static/img/favicon.svg" onload="window.pwned = true">')"""
    )
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.pwned === true") is False
    assert any(v.startswith("script-src") for v in page.evaluate("window.cspViolations"))
