"""Purging: every cached page in the app at once (a new generation), and in the front cache
the URLs the apps name.

The page cache knows no app. Each app tells it, in its AppConfig.ready(), which URLs its
pages have (`register_public_urls`) and, on its own signals, which URLs a change shows
(`purge(urls=...)`). Why everything at once: docs/production.md, "The page cache".
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.encoding import iri_to_uri

from . import refresh
from .copies import local_copies
from .shared import GENERATION_KEY, generation

logger = logging.getLogger(__name__)

_url_sources: list[Callable[[], Iterable[str]]] = []


def register_public_urls(source: Callable[[], Iterable[str]]) -> Callable[[], Iterable[str]]:
    """Tell the page cache where an app's pages are: `source()` returns every absolute URL of
    them a front cache may hold, purged when a change can show on any page. Called from the
    app's AppConfig.ready(); registering one source twice keeps one."""
    if source not in _url_sources:
        _url_sources.append(source)
    return source


def public_urls() -> list[str]:
    """Every absolute URL the front cache may hold, as the apps registered them."""
    return [url for source in _url_sources for url in source()]


def purge(*, urls=None) -> None:
    """Drop every page from the app cache and `urls` (None: every public URL) from the front
    cache, once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _purge_now(urls))


def _purge_now(urls) -> None:
    try:
        try:
            current = cache.incr(GENERATION_KEY)  # None: an outage django-redis hid
            if current is not None:
                # django-redis increments in a Lua script, which answers in a double: a
                # generation above 2**53 comes back rounded, so read the one stored.
                current = cache.get(GENERATION_KEY, current)
        except ValueError:  # no generation yet: nothing is cached under one
            current = generation()
    except Exception:
        current = None
    purged = current is not None
    # This process's copies go at once (even when the shared cache is unreachable); other
    # processes' within PAGE_CACHE_LOCAL_SECONDS.
    local_copies.saw_generation(current)
    if not purged:  # the editor's save stands; the pages expire by themselves
        logger.error("Page cache purge failed: cached pages stay until they expire")
    refresh.start(current)
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        from wagtail.contrib.frontend_cache.utils import PurgeBatch

        batch = PurgeBatch()
        # Percent-encoded, as browsers send them and nginx keys them: a page or topic slug
        # with non-ASCII letters (`français`) would otherwise fail the whole batch.
        batch.add_urls([iri_to_uri(url) for url in (urls if urls is not None else public_urls())])
        batch.purge()


# Signal receivers for anything pages may show wherever an editor placed it; apps connect
# them to their own models.


def purge_after_change(sender, instance=None, created=False, **kwargs) -> None:
    """post_save/post_delete of something pages show anywhere (a CTA, a tag, an image).
    A new one shows nowhere until a page or placement uses it, which purges by itself."""
    if not created:
        purge()


def purge_after_placement(sender, **kwargs) -> None:
    """post_save/post_delete of a placement (a topic's CTA): it shows at once, new or not."""
    purge()
