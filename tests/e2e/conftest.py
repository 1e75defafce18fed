"""The browser tests' fixtures: real Chromium (tests/browser.py) against the live server, with
the fresh-install page tree and content."""

import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from django.contrib.auth.models import User
from django.db import connections
from playwright.sync_api import sync_playwright

from blog.site_tree import ensure_site_tree
from tests.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.factories import make_article, make_image, make_user

# axe-core from the pinned pip package (axe-playwright-python ships axe.min.js), so the
# accessibility check needs no CDN and always runs the same rules.
AXE_SCRIPT = Path(axe_playwright_python.__file__).parent / "axe.min.js"

MOBILE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def _django_orm_beside_playwright():
    """Let the ORM run in the test thread while Playwright's event loop is running there.

    Playwright's sync API drives the browser from an asyncio event loop that stays running in
    the test thread for as long as Playwright is started. Django sees that running loop and
    refuses every query from that thread (SynchronousOnlyOperation), although our calls (test
    data, assertions) are ordinary synchronous code that never runs inside the loop.
    DJANGO_ALLOW_ASYNC_UNSAFE is Django's documented switch for exactly this case; it is set
    only while Playwright runs, so the rest of the suite keeps Django's check.

    While the loop runs, Django also hands this thread a second set of connection objects (its
    connection handler is a context-local in async mode); they are closed before the loop
    stops, so no connection outlives the test.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        connections.close_all()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser(site):
    """A fresh Chromium for each test, started after the database is ready.

    Per test, not per session: pytest-django sets up and flushes the database (and restores
    the migration-made rows by serialized rollback) through the thread's own connection, which
    Django only uses while no event loop is running, i.e. while Playwright is stopped.
    """
    executable = chromium_or_skip()
    with sync_playwright() as playwright, _django_orm_beside_playwright():
        # Playwright gives every launch a fresh, temporary --user-data-dir and deletes it on
        # close, so no profile state leaks between tests.
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def e2e_urls(settings):
    """Serve uploaded media too, as the production web server does (see tests/e2e/urls.py)."""
    settings.ROOT_URLCONF = "tests.e2e.urls"


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback, e2e_urls, live_server):
    """The live server with the fresh-install page tree.

    `live_server` answers from another thread, so the data must be committed (hence
    `transactional_db`). The flush after each such test would also delete the Wagtail root page
    that a migration creates; serialized rollback restores it for the tests that follow.
    """
    home, index = ensure_site_tree()
    return {"url": live_server.url, "home": home, "index": index}


@pytest.fixture
def content(site):
    """Three articles; the first has everything an article page can show."""
    index = site["index"]
    older = make_article(
        index,
        "Webinars that fill the sales pipeline",
        tags=["Events", "Lead generation"],
        summary="How to pick a webinar topic buyers sign up for, and what to ask on the form.",
        hero_image=make_image("Webinar hero", description="A presenter in front of a chart"),
    )
    article = make_article(
        index,
        "Gated content that converts",
        tags=["Content marketing", "Lead generation"],
        summary="Which downloads deserve a form, how many fields to ask for, and what to do next.",
        hero_image=make_image(
            "Gated content hero",
            colour=(200, 120, 40),
            description="A checklist next to a download button",
        ),
        body=[
            ("section", "<h2>Why gate at all</h2><p>Because sales needs names.</p>"),
            (
                "quote",
                {
                    "text": "Shorter forms doubled our demo requests.",
                    "attribution": "Dana Ruiz, Head of Sales at Acme",
                },
            ),
            (
                "section",
                "<h3>What to gate</h3><p>Research, templates and calculators.</p>"
                "<ul><li>Benchmarks</li><li>Checklists</li></ul>",
            ),
            (
                "callout",
                {
                    "tone": "tip",
                    "title": "Ask for less",
                    "text": "<p>Three fields convert better than seven.</p>",
                },
            ),
            (
                "image",
                {
                    "image": make_image("Form chart", width=800, height=450),
                    "alt_text": "Bar chart: demo requests doubled after the form was shortened",
                    "caption": "Demo requests before and after the change.",
                },
            ),
            ("callout", {"tone": "warning", "title": "", "text": "<p>Never buy lists.</p>"}),
            ("section", "<h2>What happens next</h2><p>Follow up within a day.</p>"),
        ],
    )
    newer = make_article(
        index,
        "Newsletters sales actually reads",
        tags=["Content marketing"],
        summary="A weekly note that keeps prospects warm without a single discount code.",
    )
    return {**site, "article": article, "older": older, "newer": newer}


class Tab:
    """A browser tab on the live server that remembers every request and console error."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[tuple[str, str]] = []  # (message, URL of the resource it is about)
        self.autosaves_refused: set[str] = set()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append((str(error), "")))

    def _on_console(self, message):
        if message.type == "error":
            self.errors.append((message.text, message.location.get("url", "")))

    def _on_response(self, response):
        # Wagtail's autosave posts the edit form in the background, asking for JSON, and is
        # answered 400 while a field is refused (the editor shows "There are validation
        # errors"). Chromium logs each as a failed load: that is Wagtail at work, not a fault.
        request = response.request
        accept = request.headers.get("accept", "")
        if response.status == 400 and request.method == "POST" and "json" in accept:
            self.autosaves_refused.add(response.url)

    @property
    def console_errors(self) -> list[str]:
        """Script errors and failed loads, but for Wagtail's refused autosaves."""
        return [
            text
            for text, url in self.errors
            if not (url in self.autosaves_refused and "status of 400" in text)
        ]

    def goto(self, path):
        return self.page.goto(self.base_url + path)

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the live server (data:, blob: and about: URLs are local)."""
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob", "about"} and urlsplit(url).netloc != own
        ]

    def axe_violations(self) -> list[dict]:
        """axe-core's violations for the current page, with target-size (WCAG 2.2) switched on."""
        # The page's stylesheets first: a page just navigated to (a form's POST response) can
        # be queried before its CSS has arrived, and axe would then measure unstyled links.
        self.page.wait_for_load_state("load")
        # Let fades end first (Wagtail's messages fade in over half a second): axe would
        # otherwise measure the contrast of half-transparent text. Endless animations (spinners)
        # are not waited for. The finite ones are finished rather than waited for: the page
        # then looks exactly as it would when they end, without the wait (the admin's
        # dismissible badge pings for 25 s on every page).
        finite_and_running = """(animation) => animation.playState === "running"
            && animation.effect?.getComputedTiming().endTime !== Infinity"""
        self.page.evaluate(
            f"() => document.getAnimations().filter({finite_and_running})"
            ".forEach((animation) => animation.finish())"
        )
        self.page.wait_for_function(f"() => !document.getAnimations().some({finite_and_running})")
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern; a <script> tag (add_script_tag) would be refused by it, rightly.
        self.page.evaluate(AXE_SCRIPT.read_text())
        result = self.page.evaluate(
            "() => axe.run(document, {rules: {'target-size': {enabled: true}}})"
        )
        return result["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", "\n         ")
            lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_axe_clean(tab, where: str = ""):
    violations = tab.axe_violations()
    assert violations == [], f"axe, {where or tab.page.url}:\n{format_violations(violations)}"


def sticking_out(tab, container: str = "main form") -> list[str]:
    """The visible elements that reach past the right edge of `container` (the admin's form):
    on a phone the admin clips its content (`overflow-x: hidden`), so a field wider than the
    form never makes the page scroll sideways; it is cut off or misaligned instead."""
    return tab.page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector);
            const right = box.getBoundingClientRect().right;
            return [...box.querySelectorAll("*")]
                .filter((el) => el.checkVisibility({visibilityProperty: true})
                    && el.getBoundingClientRect().width > 0
                    && el.getBoundingClientRect().right > right + 0.5)
                .map((el) => `${el.tagName.toLowerCase()}#${el.id || ""}.${el.classList}: `
                    + `${Math.round(el.getBoundingClientRect().right)} > ${Math.round(right)}`);
        }""",
        container,
    )


def cut_off_on_the_left(tab) -> list[str]:
    """The visible elements of the admin's main area that start left of the screen."""
    return tab.page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter((el) => el.checkVisibility({visibilityProperty: true})
                && el.getBoundingClientRect().width > 0
                && el.getBoundingClientRect().left < -0.5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.classList}: `
                + `${Math.round(el.getBoundingClientRect().left)}`)"""
    )


def assert_fits_a_phone(tab, where: str):
    """No sideways scroll on a 390 px screen, nothing sticking out of the form, and nothing
    cut off by the screen's left edge."""
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"{where} scrolls sideways on a phone: {width} px"
    assert sticking_out(tab) == [], f"{where}: wider than the form on a phone"
    assert cut_off_on_the_left(tab) == [], f"{where}: cut off on the left on a phone"


PASSWORD = "a-good-password"


def log_in_as(tab, group: str, username: str, **fields) -> User:
    """A new member of `group`, signed in through the admin's own login form."""
    user = make_user(username, group, password=PASSWORD, **fields)
    tab.goto("/admin/login/")
    tab.page.get_by_label("Username").fill(username)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url("**/admin/")
    return user


@pytest.fixture
def tab(site, browser):
    context = browser.new_context(viewport=DESKTOP, base_url=site["url"])
    tab = Tab(context.new_page(), site["url"])
    yield tab
    context.close()
