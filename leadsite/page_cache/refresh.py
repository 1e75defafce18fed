"""Stale pages rendered again by the task worker after a purge, not by visitors' requests.

With a task worker (any TASKS backend but the immediate one) and Redis, a purge enqueues
`refresh_stale_pages` and marks its generation as refreshing for PAGE_CACHE_REFRESH_SECONDS.
Meanwhile requests serve each page's previous copy and render nothing; the worker renders
the stale pages through Django's handler, in a thread at the lowest CPU priority. A page still
stale after that is rendered by a request, as without a worker. docs/production.md.
"""

import io
import logging
import math
import os
import re
import sys
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from django.http.request import split_domain_port
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from .shared import REFRESH_ENVIRON, REFRESH_KEY, RENDER_CLAIM_SECONDS, refreshing, release
from .store import keep_rendered

logger = logging.getLogger(__name__)

# A stored page's key (keys.cache_key()); a claim's key has a ':' after the encoded query.
PAGE_KEY = re.compile(r"^page-cache:(?P<host>[^/]+):(?P<path>/[^?]*)\?(?P<query>[^:]*)$")
BATCH = 100  # keys read per round trip


def worker_refreshes() -> bool:
    """Whether a purge hands the stale pages to the task worker: PAGE_CACHE_REFRESH_SECONDS is
    on, tasks run in a worker, and the cache is shared and lists its keys (Redis)."""
    if settings.PAGE_CACHE_REFRESH_SECONDS <= 0 or not hasattr(cache, "iter_keys"):
        return False
    return not isinstance(refresh_stale_pages.get_backend(), ImmediateBackend)


def start(current) -> None:
    """Called by a purge that moved the generation to `current`: hand its stale pages to the
    worker (when worker_refreshes()); should that fail, requests render them."""
    if current is None or not worker_refreshes():
        return
    seconds = settings.PAGE_CACHE_REFRESH_SECONDS
    try:
        cache.set(REFRESH_KEY, (current, time.time() + seconds), timeout=math.ceil(seconds))
        refresh_stale_pages.enqueue(current)
    except Exception:
        logger.warning("Stale pages not handed to the task worker", exc_info=True)
        release(REFRESH_KEY)


@task()
def refresh_stale_pages(generation: int) -> int:
    """Render again the pages stored before the generation `generation`, until none is left
    or the requests take over (PAGE_CACHE_REFRESH_SECONDS after the purge): how many were
    rendered. None after a later purge, whose own task renders them."""
    marker = cache.get(REFRESH_KEY)
    if not refreshing(marker, generation):
        return 0
    rendered = []
    thread = threading.Thread(
        target=_refresh, args=(generation, marker[1], rendered), name="page-cache-refresh"
    )
    thread.start()
    thread.join()
    return len(rendered)


def _refresh(generation, deadline, rendered) -> None:
    try:
        _lowest_priority()
        handler = BaseHandler()
        handler.load_middleware()
        for key in stale_keys(generation):
            if time.time() >= deadline:
                break
            if render(handler, key, generation):
                rendered.append(key)
    except Exception:
        logger.exception("Stale pages not refreshed; requests render them")
    finally:
        connections.close_all()  # this thread's


def _lowest_priority() -> None:
    """This thread only (Linux keeps a nice value per thread): visitors' requests, in the app
    processes, get the CPU first."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, 19)
        # SCHED_IDLE: runs only on a core nothing else wants, and a waking request preempts it
        # at once (nice 19 alone still takes a slice of a busy core).
        os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux: render at the worker's priority
        logger.info("Stale pages rendered at the worker's CPU priority")


def stale_keys(generation):
    """The keys of the pages stored under a generation other than `generation`."""
    keys = [key for key in cache.iter_keys("page-cache:*") if PAGE_KEY.match(key)]
    for start in range(0, len(keys), BATCH):
        for key, entry in cache.get_many(keys[start : start + BATCH]).items():
            if isinstance(entry, tuple) and len(entry) == 4 and entry[0] != generation:
                yield key


def render(handler, key, generation) -> bool:
    """Render the page of `key` and store it, unless a request renders it already."""
    claim = f"{key}:rendering:{generation}"
    if not cache.add(claim, 1, timeout=RENDER_CLAIM_SECONDS):
        return False
    try:
        request = WSGIRequest(environ_for(key))
        response = handler.get_response(request)
        keep_rendered(request, key, generation, response, had_previous=True)
        response.close()
        return True
    finally:
        release(claim)


def environ_for(key) -> dict:
    """An anonymous visitor's GET of the page of `key`, over HTTPS when the site redirects to
    it (the scheme is not in the key)."""
    found = PAGE_KEY.match(key)
    host = found["host"]
    scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
    domain, port = split_domain_port(host)
    environ = {
        "REQUEST_METHOD": "GET",
        # WSGI carries the path as UTF-8 bytes in a latin-1 string.
        "PATH_INFO": found["path"].encode().decode("iso-8859-1"),
        "QUERY_STRING": found["query"],
        "SCRIPT_NAME": "",
        "SERVER_NAME": domain,
        "SERVER_PORT": port or ("443" if scheme == "https" else "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        REFRESH_ENVIRON: True,
    }
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = secure if scheme == "https" else "http"
    return environ
