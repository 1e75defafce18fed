"""The middleware: anonymous public pages served from the shared cache, what is safe stored.

A stale page (after a purge) is rendered by one request while the others get its previous
copy. How and why: docs/production.md, "The page cache".
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from .copies import local_copies
from .keys import cache_key, is_canonical
from .shared import lookup, release, render_claim, rest

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


class PageCacheMiddleware:
    """Serve anonymous public pages from the shared cache; store what is safe to store.

    Sits near the top of MIDDLEWARE (after SecurityMiddleware, which redirects to HTTPS and
    validates nothing we skip), so that a hit costs one cache round trip and no session,
    database, CSRF or auth work. The stored headers are those of the full response, security
    headers included; the entry is plain data (generation, status, header pairs, body bytes),
    so that unpickling it is cheap.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request)
        if key is None:
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header(
                "Cache-Control"
            ):
                # Editors' pages carry the user bar and drafts' previews: never shared.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        previous = local_copies.previous(key)
        if previous is not None and local_copies.get(key) is None:
            # Another request renders it: no round trip meanwhile.
            return self.replay_stale(previous)
        try:
            current, stored, stale = lookup(key)
        except Exception:  # a cache outage must not cost a page
            logger.warning("Page cache unavailable; rendering without it", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            return self.replay(stored)
        if current is None:  # the cache is unreachable: render, keep nothing
            return self.get_response(request)
        claim = render_claim(key, current) if stale is not None else None
        if stale is not None and claim is None:
            local_copies.keep_previous(key, stale)
            return self.replay_stale(stale)

        started = time.monotonic()
        try:
            response = self.get_response(request)
            if request.method == "GET" and is_storable(response):
                if is_canonical(request):
                    mark_public(response)
                    self.store(key, current, response)
            elif stale is not None and request.method == "GET" and response.status_code < 500:
                # The page is gone or moved (404, a redirect): its previous copy goes now. (After
                # a server error it stays, and the next request tries again.)
                release(key)
        finally:
            if claim:
                slot, page = claim
                rest(slot, time.monotonic() - started)
                release(page)
        response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def replay(stored):
        _, status, headers, content = stored
        response = HttpResponse(content, status=status, headers=headers)
        response["X-Page-Cache"] = "hit"
        return response

    @classmethod
    def replay_stale(cls, stored):
        """The previous copy while another request renders the page: for this visitor only,
        never kept by a cache in front (it would outlive the purge)."""
        response = cls.replay(stored)
        response["Cache-Control"] = "no-cache, max-age=0"
        response["X-Page-Cache"] = "stale"
        return response

    @staticmethod
    def store(key, current, response):
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNCACHED_HEADERS
        ]
        entry = (current, response.status_code, headers, response.content)
        try:
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        except Exception:  # the page was served; it just was not kept
            logger.warning("Page cache unavailable; page not stored", exc_info=True)
            return
        local_copies.keep(key, entry)
