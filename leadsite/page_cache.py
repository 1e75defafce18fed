"""The page cache: anonymous public pages served from the shared cache, purged on every change.

Two layers, one rule. The app keeps rendered pages in the default cache (Redis in production,
so every app process sees the same pages and the same purges) and marks them
`Cache-Control: public, max-age=..., s-maxage=...` so that nginx or a CDN in front keeps them
too. When content changes (a page published, unpublished, moved or deleted; a call to action,
topic CTA, tag, image or document saved or deleted), `purge()` drops every cached page at
once by moving the cache's generation, and asks the front cache (Wagtail's frontend-cache
backends, `WAGTAILFRONTENDCACHE`) to drop the URLs that can show the change.

Why everything at once in the app: a call to action shows wherever an editor placed it, by
topic or on the home page, and an article appears in listings, feeds and related-article
lists. Working out every page a change touches is error-prone; a new generation is one
`INCR` and the next request to each page renders it afresh.

A hit is one cache round trip: each stored entry carries the generation it was rendered
under, and one `get_many` (an MGET on Redis) reads the current generation and the entry
together; an entry of an older generation is stale, and the fresh page overwrites it.

After a purge every page is stale at once. Single flight, stale while revalidating: for each
page, one request claims the render (`SET NX` of a short-lived key per page and generation)
and renders; meanwhile the others get the previous copy (`X-Page-Cache: stale`, which no
cache in front may keep), so a hot page is rendered once per purge, not once per concurrent
visitor. Stale pages are rendered again PAGE_CACHE_STALE_RENDERS at a time across the site
(a render slot is claimed first, in the same way, and rests after a render for as long as the
render took), so that after a purge the workers keep serving while the hot pages are
refreshed one by one. A page whose new render cannot be
stored (unpublished: 404) loses its previous copy at once. A page never stored before is
rendered by whoever asks, as before.

Most hits cost no round trip at all: each process keeps its own copies of the pages it served
lately (`LocalCopies`, at most PAGE_CACHE_LOCAL_MB) and trusts the generation it last read for
PAGE_CACHE_LOCAL_SECONDS (1 s). A purge made in the process is seen there at once; one made in
another process is seen within that time. With a front cache configured the copies are off by
default: a copy a second stale could be re-cached in front for the whole s-maxage.

Who is served from the cache: GET and HEAD requests without a session cookie (signed-in
editors always get a fresh page, marked private) and without query parameters other than
`page` and the campaign tags that no page renders (utm_*, gclid, ...). What is stored: a
200 response that sets no cookie, does not vary on cookies and says nothing else about
caching, to a request that spells its page as the key does (`is_canonical`: one copy per
page, whatever Host spelling or `?page=` junk visitors send). A cache that is down is
skipped: the page is rendered as if there were no cache.
While the Redis cache's circuit breaker is open (Redis hung or down: leadsite/cache_breaker.py),
each process serves its own copies for up to PAGE_CACHE_SECONDS after it last read the
generation (as long as a failed purge leaves pages in any cache), and renders the others.
"""

import logging
import threading
import time
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# Query parameters a page renders (pagination) and parameters only analytics read; a request
# with any other parameter is not served from the cache (search, previews, unknown uses).
RENDERED_PARAMS = frozenset({"page"})
IGNORED_PARAMS = frozenset({"gclid", "fbclid", "msclkid", "mc_cid", "mc_eid", "ref"})
IGNORED_PREFIXES = ("utm_",)
# Paths that are never cached whatever their response says.
EXCLUDED_PREFIXES = ("/admin/", "/leads/", "/documents/", "/search/", "/static/", "/media/")
# Headers that belong to one response and must not be replayed from the cache.
UNCACHED_HEADERS = frozenset({"date", "x-request-id", "set-cookie", "x-page-cache"})
# How long one request may hold a page's render after a purge before another may take it
# over (its process died mid-render); meanwhile the others get the previous copy.
RENDER_CLAIM_SECONDS = 10
# At most this many previous copies per process (served while other requests render).
PREVIOUS_COPIES = 200


def cache_key(request) -> str | None:
    """The key of the cached page for `request` (without the generation), or None when the
    request must not be served from the cache."""
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return None
    if request.path.startswith(EXCLUDED_PREFIXES):
        return None
    query = ""
    if request.META.get("QUERY_STRING"):  # most hits have none: no QueryDict to build
        kept = []
        for name, value in request.GET.lists():
            if name in RENDERED_PARAMS:
                kept.append((name, value))
            elif name not in IGNORED_PARAMS and not name.startswith(IGNORED_PREFIXES):
                return None
        query = urlencode(sorted(kept), doseq=True)
    host = cache_host(request)
    if host is None:
        return None
    return f"page-cache:{host}:{request.path}?{query}"


DEFAULT_PORTS = {"http": "80", "https": "443"}
# Set on the request by `paginated()`: the page number the view served for `?page=`.
PAGINATED_ATTRIBUTE = "page_cache_page_number"


def cache_host(request) -> str | None:
    """The host in the key, as Django and Wagtail read it: lower-cased, without a trailing
    dot, without the scheme's default port; None (not cached) for a Host naming a port this
    server does not listen on. The Host header is the client's to choose: each spelling would
    otherwise be a new copy of every page."""
    domain, port = split_domain_port(request.get_host())
    if not port or port == DEFAULT_PORTS.get(request.scheme):
        return domain
    if port != str(request.get_port()):
        return None
    return f"{domain}:{port}"


def paginated(request, page) -> None:
    """Called by views that paginate with `page`, a Paginator page: `?page=N` is then kept
    in the cache, when N is the very page shown (not `?page=abc`, `02` or one past the end,
    which Paginator.get_page() tolerates by showing another page)."""
    setattr(request, PAGINATED_ATTRIBUTE, str(page.number))


def is_canonical(request) -> bool:
    """May this response be stored under its key (and marked public for caches in front)?
    Only when the request spells its page as the key does: the Host in the form
    `cache_host()` gives (a page rendered for another spelling has it in its links), and
    `?page=` only where the view paginated and showed that page. Other spellings are served
    from the canonical copy when there is one, else rendered, never stored: junk values
    cannot fill the cache."""
    if request.get_host() != cache_host(request):
        return False
    pages = request.GET.getlist("page") if request.META.get("QUERY_STRING") else []
    return not pages or pages == [getattr(request, PAGINATED_ATTRIBUTE, None)]


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


class LocalCopies:
    """This process's copies of the pages it served lately, valid while the generation they
    were rendered under is the one this process last read, and for PAGE_CACHE_LOCAL_SECONDS
    after that read at most. Least recently used copies go first beyond PAGE_CACHE_LOCAL_MB.
    Thread-safe (gthread workers share one)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = OrderedDict()
        self._bytes = 0
        self._generation = None
        self._read_at = 0.0
        self._previous = {}  # key: (stale entry, served until), while another request renders

    def get(self, key, *, outage=False) -> tuple | None:
        """The copy of `key`, if this process may serve it without asking the shared cache
        (`outage`: because the shared cache is unreachable, for up to PAGE_CACHE_SECONDS)."""
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if seconds <= 0:
            return None
        if outage:
            seconds = max(seconds, settings.PAGE_CACHE_SECONDS)
        with self._lock:
            if time.monotonic() - self._read_at > seconds:
                return None
            entry = self._entries.get(key)
            if entry is None or entry[0] != self._generation:
                return None
            self._entries.move_to_end(key)
            return entry

    def saw_generation(self, value) -> None:
        """`value` was just read from (or written to) the shared cache: it is trusted anew,
        and copies of any other generation are dropped."""
        with self._lock:
            if value != self._generation:
                self._entries.clear()
                self._bytes = 0
                self._generation = value
            self._read_at = time.monotonic()

    def keep_previous(self, key, entry) -> None:
        """`entry` is the previous copy of `key` and another request renders the page: serve
        it without asking the shared cache for PAGE_CACHE_LOCAL_SECONDS (as the copies)."""
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if seconds <= 0:
            return
        with self._lock:
            if len(self._previous) >= PREVIOUS_COPIES:
                self._previous.clear()
            self._previous[key] = (entry, time.monotonic() + seconds)

    def previous(self, key) -> tuple | None:
        """The previous copy of `key` kept by keep_previous(), unless this process has a fresh
        copy or the time is up."""
        if not self._previous:  # nearly always: no purge is being re-rendered
            return None
        with self._lock:
            found = self._previous.get(key)
            if found is None or found[1] < time.monotonic():
                self._previous.pop(key, None)
                return None
            return found[0]

    def keep(self, key, entry) -> None:
        budget = settings.PAGE_CACHE_LOCAL_MB * 1024 * 1024
        size = len(entry[3])
        if settings.PAGE_CACHE_LOCAL_SECONDS <= 0 or size > budget:
            return
        with self._lock:
            self._previous.pop(key, None)
            if entry[0] != self._generation:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[3])
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > budget:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted[3])


local_copies = LocalCopies()


def cache_unreachable() -> bool:
    """True while the cache's circuit breaker skips Redis (leadsite/cache_breaker.py)."""
    is_unreachable = getattr(cache, "is_unreachable", None)
    return bool(is_unreachable and is_unreachable())


def lookup(key) -> tuple[int | None, tuple | None, tuple | None]:
    """The current generation (None: the cache is unreachable), the stored response for `key`
    (None unless it was stored under that generation) and, failing that, its stale copy (one
    stored under an older generation): from this process's copies when it may trust them,
    else in one cache round trip."""
    entry = local_copies.get(key)
    if entry is not None:
        return entry[0], entry, None
    found = cache.get_many([GENERATION_KEY, key])  # skipped at once while the breaker is open
    if cache_unreachable():  # no generation to trust, nor to start afresh
        return None, local_copies.get(key, outage=True), None
    current = generation(found.get(GENERATION_KEY))
    local_copies.saw_generation(current)
    entry = found.get(key)
    if entry is None:
        return current, None, None
    if entry[0] != current:
        return current, None, entry
    local_copies.keep(key, entry)
    return current, entry, None


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


# Purging -------------------------------------------------------------------------------------


def purge(*, urls=None) -> None:
    """Drop every page from the app cache and `urls` (None: every public URL) from the front
    cache, once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _purge_now(urls))


def _purge_now(urls) -> None:
    try:
        try:
            current = cache.incr(GENERATION_KEY)  # None: an outage django-redis hid
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
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        from wagtail.contrib.frontend_cache.utils import PurgeBatch

        batch = PurgeBatch()
        # Percent-encoded, as browsers send them and nginx keys them: a page or topic slug
        # with non-ASCII letters (`français`) would otherwise fail the whole batch.
        batch.add_urls([iri_to_uri(url) for url in (urls if urls is not None else public_urls())])
        batch.purge()


def _site_urls(site) -> list[str]:
    """The listings every site has: topics, feeds, sitemap."""
    root = site.root_url
    return [f"{root}/tags/", f"{root}/feed/", f"{root}/sitemap.xml"]


def _tag_urls(root, slugs) -> list[str]:
    return [url for slug in slugs for url in (f"{root}/tags/{slug}/", f"{root}/tags/{slug}/feed/")]


def _listing_pages(url, count) -> list[str]:
    """The `?page=N` copies a front cache keeps apart of a listing of `count` articles: every
    page it has, and one more (the article just unpublished may have made the last one)."""
    from blog.models import ARTICLES_PER_PAGE

    last = -(-count // ARTICLES_PER_PAGE) + 1
    return [f"{url}?page={number}" for number in range(1, last + 1)]


def listing_page_urls(root, *, index_paths, tag_slugs) -> list[str]:
    """The paginated copies of the article indexes at `index_paths` (site-relative) and of
    the topics `tag_slugs`: a purge of the bare URL does not reach them."""
    from blog.models import ArticlePage

    listed = ArticlePage.objects.listed()
    urls = []
    if index_paths:
        count = listed.count()
        for path in index_paths:
            urls += _listing_pages(root + path, count)
    for slug in tag_slugs:
        urls += _listing_pages(f"{root}/tags/{slug}/", listed.filter(tags__slug=slug).count())
    return urls


def public_urls() -> list[str]:
    """Every absolute URL the front cache may hold: live public pages, topics, feeds."""
    from taggit.models import Tag
    from wagtail.models import Page, Site

    from blog.models import ArticleIndexPage, ArticlePage

    slugs = list(
        Tag.objects.filter(pk__in=ArticlePage.tags.through.objects.values("tag_id")).values_list(
            "slug", flat=True
        )
    )
    urls = []
    for site in Site.objects.all():
        pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
        urls += [site.root_url + page.get_url_parts()[2] for page in pages.specific(defer=True)]
        urls += _site_urls(site) + _tag_urls(site.root_url, slugs)
        indexes = pages.type(ArticleIndexPage).specific(defer=True)
        urls += listing_page_urls(
            site.root_url,
            index_paths=[page.get_url_parts()[2] for page in indexes],
            tag_slugs=slugs,
        )
    return urls


def urls_showing_page(page, *, old_url_path=None) -> list[str]:
    """The URLs that show `page` in the front cache: the page (and where it was before a
    move), its ancestors (home, index), the topics it is filed under, the feeds and sitemap.
    Related-article lists on other articles follow within PAGE_CACHE_SECONDS."""
    site = page.get_site()
    if site is None:
        return []
    root = site.root_url
    site_path = site.root_page.url_path
    paths = {page.url_path} | set(
        page.get_ancestors(inclusive=False)
        .filter(depth__gte=site.root_page.depth)
        .values_list("url_path", flat=True)
    )
    if old_url_path:
        paths.add(old_url_path)
    urls = [
        root + "/" + path.removeprefix(site_path) for path in paths if path.startswith(site_path)
    ]
    tags = getattr(page.specific_deferred, "tags", None)
    slugs = list(tags.values_list("slug", flat=True)) if tags is not None else []
    urls += _tag_urls(root, slugs)
    urls += listing_page_urls(root, index_paths=_index_paths(page, site), tag_slugs=slugs)
    return urls + _site_urls(site)


def _index_paths(page, site) -> list[str]:
    """Site-relative paths of the article indexes at or above `page` (they list it, in pages)."""
    from blog.models import ArticleIndexPage

    site_path = site.root_page.url_path
    indexes = page.get_ancestors(inclusive=True).type(ArticleIndexPage)
    paths = indexes.values_list("url_path", flat=True)
    return ["/" + path.removeprefix(site_path) for path in paths if path.startswith(site_path)]


# Signal receivers: blog and leads connect them to what their pages show.


def purge_after_publish(sender, instance, **kwargs) -> None:
    """page_published, page_unpublished (also sent when a live page is deleted)."""
    purge(urls=urls_showing_page(instance))


def purge_after_move(sender, instance, url_path_before="", **kwargs) -> None:
    """post_page_move: the page's old URL goes too."""
    if instance.live:
        purge(urls=urls_showing_page(instance, old_url_path=url_path_before))


def purge_after_change(sender, instance=None, created=False, **kwargs) -> None:
    """post_save/post_delete of something pages show anywhere (a CTA, a tag, an image).
    A new one shows nowhere until a page or placement uses it, which purges by itself."""
    if not created:
        purge()


def purge_after_placement(sender, **kwargs) -> None:
    """post_save/post_delete of a placement (a topic's CTA): it shows at once, new or not."""
    purge()
