"""The middleware: anonymous public pages served from the shared cache, what is safe stored.

After a purge a stale page is rendered by the task worker (refresh.py) or by one request,
while the others get its previous copy. How and why: docs/production.md, "The page cache".
"""

import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from .copies import local_copies
from .keys import cache_key
from .shared import REFRESH_ENVIRON, lookup, release, render_claim, rest
from .store import keep_rendered

logger = logging.getLogger(__name__)


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

        if REFRESH_ENVIRON in request.META:  # the task worker's render: it stores it
            return self.get_response(request)
        previous = local_copies.previous(key)
        if previous is not None and local_copies.get(key) is None:
            # Another request renders it: no round trip meanwhile.
            return self.replay_stale(previous)
        try:
            current, stored, stale, refreshing = lookup(key)
        except Exception:  # a cache outage must not cost a page
            logger.warning("Page cache unavailable; rendering without it", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            return self.replay(stored)
        if current is None:  # the cache is unreachable: render, keep nothing
            return self.get_response(request)
        if stale is not None and refreshing:  # the task worker renders it (refresh.py)
            local_copies.keep_previous(key, stale)
            return self.replay_stale(stale)
        claim = render_claim(key, current) if stale is not None else None
        if stale is not None and claim is None:
            local_copies.keep_previous(key, stale)
            return self.replay_stale(stale)

        started = time.monotonic()
        try:
            response = self.get_response(request)
            keep_rendered(request, key, current, response, had_previous=stale is not None)
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
