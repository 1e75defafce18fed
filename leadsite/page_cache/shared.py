"""The shared cache's side: the generation every stored page is checked against, one-round-trip
lookups, and the claims that make a stale page rendered once per purge (single flight).

How and why: docs/production.md, "The page cache".
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from .copies import local_copies

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# In the environ of the task worker's own renders (not a header: no visitor can send it).
REFRESH_ENVIRON = "leadsite.page_cache.refresh"
# (generation, until): the task worker renders the pages stale under that generation, and
# requests serve their previous copies until then (refresh.py).
REFRESH_KEY = "page-cache:refreshing"
# How long one request may hold a page's render after a purge before another may take it
# over (its process died mid-render); meanwhile the others get the previous copy.
RENDER_CLAIM_SECONDS = 10


def generation(value=None) -> int:
    """The current generation (`value`, when the caller has just read it); every entry stored
    under an older one is dead."""
    if value is None:
        value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh (or flushed) cache: start from the clock so that no entry of a generation
        # used before the flush can come back to life.
        value = time.time_ns()
        if not cache.add(GENERATION_KEY, value, timeout=None):
            value = cache.get(GENERATION_KEY, value)
    return value


def cache_unreachable() -> bool:
    """True while the cache's circuit breaker skips Redis (leadsite/cache_breaker.py)."""
    is_unreachable = getattr(cache, "is_unreachable", None)
    return bool(is_unreachable and is_unreachable())


def lookup(key) -> tuple[int | None, tuple | None, tuple | None, bool]:
    """The current generation (None: the cache is unreachable), the stored response for `key`
    (None unless it was stored under that generation) and, failing that, its stale copy (one
    stored under an older generation), and whether the task worker is to render the stale
    pages (refresh.py): from this process's copies when it may trust them, else in one cache
    round trip."""
    entry = local_copies.get(key)
    if entry is not None:
        return entry[0], entry, None, False
    keys = [GENERATION_KEY, key]
    if settings.PAGE_CACHE_REFRESH_SECONDS > 0:
        keys.append(REFRESH_KEY)
    found = cache.get_many(keys)  # skipped at once while the breaker is open
    if cache_unreachable():  # no generation to trust, nor to start afresh
        return None, local_copies.get(key, outage=True), None, False
    current = generation(found.get(GENERATION_KEY))
    local_copies.saw_generation(current)
    entry = found.get(key)
    if entry is None:
        return current, None, None, False
    if entry[0] != current:
        return current, None, entry, refreshing(found.get(REFRESH_KEY), current)
    local_copies.keep(key, entry)
    return current, entry, None, False


def refreshing(marker, current) -> bool:
    """Whether the task worker is still due to render the pages stale under `current`
    (`marker`: the value of REFRESH_KEY)."""
    return isinstance(marker, tuple) and marker[0] == current and time.time() < marker[1]


def render_claim(key, current) -> tuple[str, ...] | None:
    """Claim a render slot (one of PAGE_CACHE_STALE_RENDERS) and the render of `key` under the
    generation `current`: the claimed keys, or None when the slots or the page are taken."""
    claim = f"{key}:rendering:{current}"
    try:
        for n in range(max(1, settings.PAGE_CACHE_STALE_RENDERS)):
            slot = f"page-cache:render-slot:{n}"
            if cache.add(slot, 1, timeout=RENDER_CLAIM_SECONDS):
                if cache.add(claim, 1, timeout=RENDER_CLAIM_SECONDS):
                    return slot, claim
                release(slot)
                return None
    except Exception:  # no cache to agree through: render, as without a previous copy
        logger.warning("Page cache unavailable; rendering without a claim", exc_info=True)
        return ()
    return None


def rest(slot, seconds) -> None:
    """Keep the render slot `slot` for as long again as its render took: re-rendering stale
    pages then takes at most half of one worker's time per slot, and the others keep up with
    the visitors."""
    try:
        cache.set(slot, 1, timeout=min(seconds, RENDER_CLAIM_SECONDS))
    except Exception:  # the slot expires by itself
        logger.warning("Page cache unavailable; render slot not rested", exc_info=True)


def release(*keys) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # the claim expires by itself
        logger.warning("Page cache unavailable; claim not released", exc_info=True)
