"""After a purge, with a task worker and Redis, the worker renders the stale pages at low CPU
priority and visitors get the previous copies meanwhile, for PAGE_CACHE_REFRESH_SECONDS at
most: past that, or with the immediate task backend, a visitor's request renders the page."""

import os
import threading
import uuid

import pytest
import redis
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django_tasks_db.models import DBTaskResult

from leadsite import page_cache
from leadsite.page_cache.refresh import refresh_stale_pages
from leadsite.settings.base import redis_cache
from tests.production.servers import MAIN_REDIS_URL, wait_until

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Page:
    """A page counting its renders and the CPU priority (nice value) of the last one."""

    def __init__(self):
        self.version = 1
        self.renders = 0
        self.nice = None

    def __call__(self, request):
        self.renders += 1
        self.nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return HttpResponse(f"<p>version {self.version}</p>")


first_page, second_page = Page(), Page()
urlpatterns = [path("first/", first_page), path("second/", second_page)]
PAGES = {"/first/": first_page, "/second/": second_page}


@pytest.fixture
def redis_app_cache():
    """Redis with the production options and a key prefix of this test's own."""
    prefix = f"test-refresh-{uuid.uuid4().hex}"
    with override_settings(CACHES={"default": redis_cache(MAIN_REDIS_URL, prefix)}):
        yield
    client = redis.Redis.from_url(MAIN_REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        client.delete(key)
    client.close()


@pytest.fixture
def purge(redis_app_cache, settings, django_capture_on_commit_callbacks):
    """Both pages cached at version 1 with a task worker's queue; then `purge(tasks)` purges
    (as a publish does, with the `tasks` backend) and makes version 2 the one to render."""
    settings.ROOT_URLCONF = __name__
    settings.TASKS = DATABASE_QUEUE
    settings.PAGE_CACHE_REFRESH_SECONDS = 30
    for url, page in PAGES.items():
        page.__init__()
        assert [Client().get(url)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]

    def run(tasks=DATABASE_QUEUE):
        with override_settings(TASKS=tasks), django_capture_on_commit_callbacks(execute=True):
            page_cache.purge()
        for page in PAGES.values():
            page.version = 2
            page.renders = 0

    return run


def queued_refreshes():
    return DBTaskResult.objects.filter(task_path=refresh_stale_pages.module_path)


def run_queued_refresh() -> int:
    """Run the queued refresh as `manage.py db_worker` does: the number of pages rendered."""
    (queued,) = queued_refreshes()
    result = queued.task_result
    return result.task.call(*result.args, **result.kwargs)


def answer(url):
    response = Client().get(url)
    return response["X-Page-Cache"], response.content.decode()


def test_until_the_worker_renders_them_visitors_get_the_previous_copies_and_render_nothing(
    purge,
):
    purge()
    assert [answer("/first/") for _ in range(3)] == [("stale", "<p>version 1</p>")] * 3
    assert answer("/second/") == ("stale", "<p>version 1</p>")
    assert (first_page.renders, second_page.renders) == (0, 0)
    assert queued_refreshes().count() == 1


def test_the_worker_renders_the_stale_pages_at_the_lowest_priority_and_visitors_get_them(
    purge,
):
    purge()
    assert answer("/first/")[0] == "stale"
    assert run_queued_refresh() == 2
    for url, page in PAGES.items():
        assert answer(url) == ("hit", "<p>version 2</p>")
        assert (page.renders, page.nice) == (1, 19)


def test_with_no_worker_a_page_stale_past_the_bound_is_rendered_by_a_visitor(purge, settings):
    settings.PAGE_CACHE_REFRESH_SECONDS = 1
    purge()
    assert answer("/first/") == ("stale", "<p>version 1</p>")
    rendered = wait_until(
        lambda: (found := answer("/first/"))[0] == "miss" and found,
        timeout=30,
        message="the page stayed stale past PAGE_CACHE_REFRESH_SECONDS",
    )
    assert rendered == ("miss", "<p>version 2</p>")
    assert answer("/first/") == ("hit", "<p>version 2</p>")


def test_a_refresh_queued_before_a_later_purge_renders_nothing(purge):
    purge()
    stale = queued_refreshes().get()
    purge()
    result = stale.task_result
    assert result.task.call(*result.args, **result.kwargs) == 0
    assert (first_page.renders, second_page.renders) == (0, 0)


def test_with_tasks_run_in_the_request_a_visitor_renders_the_stale_page(purge):
    purge(tasks=IMMEDIATE)
    assert answer("/first/") == ("miss", "<p>version 2</p>")
    assert not queued_refreshes().exists()
