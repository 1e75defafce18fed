"""After a purge, a hot page is rendered once, not once per concurrent visitor: the others get
the previous copy meanwhile (single flight, stale while revalidating), on the app cache alone
(each process's memory, or Redis as on a one-server install)."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from leadsite import page_cache
from leadsite.settings.base import redis_cache
from tests.production.servers import MAIN_REDIS_URL, wait_until

pytestmark = pytest.mark.django_db

VISITORS = 6


class HotPage:
    """A page whose render waits until the test lets it finish, counting its renders."""

    def __init__(self):
        self.version = 1
        self.status = 200
        self.renders = 0
        self.lock = threading.Lock()
        self.finish = threading.Event()
        self.finish.set()

    def __call__(self, request):
        with self.lock:
            self.renders += 1
        self.finish.wait(timeout=60)
        return HttpResponse(f"<p>version {self.version}</p>", status=self.status)


hot_page, other_page = HotPage(), HotPage()
urlpatterns = [path("hot/", hot_page), path("other/", other_page)]


def start_render(pool, view, url):
    """A request for `url` that renders it in the background: the first one once the render
    slot is free (it rests after each render for as long as the render took)."""
    before = view.renders
    while True:
        future = pool.submit(lambda: Client().get(url))
        wait_until(
            lambda: view.renders > before or future.done(),  # noqa: B023 - this future
            timeout=60,
            message="no answer",
        )
        if view.renders > before:
            return future


@pytest.fixture(params=["memory", "redis"])
def app_cache(request):
    """The app cache alone: each process's memory (the test settings), or Redis with the
    production options and a key prefix of this test's own (its keys deleted after)."""
    if request.param == "memory":
        yield
        return
    prefix = f"test-resilience-{uuid.uuid4().hex}"
    with override_settings(CACHES={"default": redis_cache(MAIN_REDIS_URL, prefix)}):
        yield
    client = redis.Redis.from_url(MAIN_REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        client.delete(key)
    client.close()


@pytest.fixture
def page(app_cache, settings, django_capture_on_commit_callbacks):
    """/hot/ cached at version 1, then purged (as a publish does) with version 2 to render."""
    settings.ROOT_URLCONF = __name__
    hot_page.__init__()
    first = Client().get("/hot/")
    assert (first["X-Page-Cache"], Client().get("/hot/")["X-Page-Cache"]) == ("miss", "hit")
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.purge()
    hot_page.version = 2
    hot_page.renders = 0
    return hot_page


def test_after_a_purge_a_hot_page_is_rendered_once_while_the_others_get_the_previous_copy(
    page,
):
    page.finish.clear()
    with ThreadPoolExecutor(max_workers=VISITORS) as pool:
        futures = [pool.submit(lambda: Client().get("/hot/")) for _ in range(VISITORS)]
        # Either one render holds while every other visitor has had an answer, or (the defect)
        # every visitor waits in a render of their own.
        wait_until(
            lambda: (
                page.renders == VISITORS
                or (page.renders >= 1 and sum(f.done() for f in futures) >= VISITORS - page.renders)
            ),
            timeout=60,
            message="neither answered nor rendering",
        )
        page.finish.set()
        answers = [future.result(timeout=60) for future in futures]

    assert page.renders == 1
    assert [a.status_code for a in answers] == [200] * VISITORS
    by_state = sorted((a["X-Page-Cache"], a.content.decode()) for a in answers)
    assert by_state == [("miss", "<p>version 2</p>")] + [("stale", "<p>version 1</p>")] * (
        VISITORS - 1
    )
    stale = [a for a in answers if a["X-Page-Cache"] == "stale"]
    # Only for this visitor: a cache in front must not keep it beyond the purge.
    assert all(a["Cache-Control"] == "no-cache, max-age=0" for a in stale)
    after = Client().get("/hot/")
    assert (after["X-Page-Cache"], after.content) == ("hit", b"<p>version 2</p>")


def test_a_page_gone_since_the_purge_loses_its_previous_copy(page):
    page.status = 404
    assert Client().get("/hot/").status_code == 404
    second = Client().get("/hot/")
    assert (second.status_code, second["X-Page-Cache"]) == (404, "miss")


def test_a_server_error_keeps_the_previous_copy_and_the_next_visitor_renders_again(page):
    page.status = 500
    assert Client(raise_request_exception=False).get("/hot/").status_code == 500
    page.status = 200
    page.finish.clear()
    with ThreadPoolExecutor(max_workers=1) as pool:
        renderer = start_render(pool, page, "/hot/")
        meanwhile = Client().get("/hot/")
        page.finish.set()
        rendered = renderer.result(timeout=60)
    assert (meanwhile["X-Page-Cache"], meanwhile.content) == ("stale", b"<p>version 1</p>")
    assert (rendered["X-Page-Cache"], rendered.content) == ("miss", b"<p>version 2</p>")


def test_stale_pages_are_rendered_again_one_at_a_time_across_the_site(
    app_cache, settings, django_capture_on_commit_callbacks
):
    """While one stale page renders, another stale page is served its previous copy too, so
    that the other workers keep serving (PAGE_CACHE_STALE_RENDERS, 1 by default); once the
    render is done (and the slot has rested as long), a request renders that page."""
    settings.ROOT_URLCONF = __name__
    for view in (hot_page, other_page):
        view.__init__()
        Client().get(f"/{'hot' if view is hot_page else 'other'}/")
        view.version = 2
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.purge()
    hot_page.finish.clear()
    with ThreadPoolExecutor(max_workers=1) as pool:
        renderer = start_render(pool, hot_page, "/hot/")
        meanwhile = Client().get("/other/")
        hot_page.finish.set()
        renderer.result(timeout=60)
    assert (meanwhile["X-Page-Cache"], meanwhile.content) == ("stale", b"<p>version 1</p>")
    after = wait_until(
        lambda: (answer := Client().get("/other/"))["X-Page-Cache"] == "miss" and answer,
        timeout=60,
        message="the other page was not rendered again once the slot was free",
    )
    assert after.content == b"<p>version 2</p>"
