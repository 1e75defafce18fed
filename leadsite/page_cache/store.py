"""What the page cache stores, and storing a freshly rendered page (by a request or by the
task worker's refresh). docs/production.md, "The page cache".
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control

from .copies import local_copies
from .keys import is_canonical
from .shared import release

logger = logging.getLogger(__name__)

# Headers that belong to one response and must not be replayed from the cache.
UNCACHED_HEADERS = frozenset({"date", "x-request-id", "set-cookie", "x-page-cache"})


def is_storable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if "cookie" in response.get("Vary", "").lower():
        return False
    # A view that said anything about caching (no-store, private, max-age) is obeyed.
    return not response.has_header("Cache-Control")


def mark_public(response):
    patch_cache_control(
        response,
        public=True,
        max_age=min(settings.PAGE_CACHE_BROWSER_SECONDS, settings.PAGE_CACHE_SECONDS),
        s_maxage=settings.PAGE_CACHE_SECONDS,
    )


def store(key, current, response) -> None:
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in UNCACHED_HEADERS
    ]
    entry = (current, response.status_code, headers, response.content)
    try:
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    except Exception:  # the page was served; it just was not kept
        logger.warning("Page cache unavailable; page not stored", exc_info=True)
        return
    local_copies.keep(key, entry)


def keep_rendered(request, key, current, response, *, had_previous) -> None:
    """`response`, just rendered for `request` under the generation `current`: stored when it
    is safe to, and `had_previous`, the previous copy dropped when the page is gone."""
    if request.method == "GET" and is_storable(response):
        if is_canonical(request):
            mark_public(response)
            store(key, current, response)
    elif had_previous and request.method == "GET" and response.status_code < 500:
        # The page is gone or moved (404, a redirect): its previous copy goes now. (After a
        # server error it stays, and the next request tries again.)
        release(key)
