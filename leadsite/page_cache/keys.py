"""Which requests the page cache serves, and the one key each page is stored under.

Rules and reasons: docs/production.md, "The page cache".
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http.request import split_domain_port

# Query parameters a page renders (pagination) and parameters only analytics read; a request
# with any other parameter is not served from the cache (search, previews, unknown uses).
RENDERED_PARAMS = frozenset({"page"})
IGNORED_PARAMS = frozenset({"gclid", "fbclid", "msclkid", "mc_cid", "mc_eid", "ref"})
IGNORED_PREFIXES = ("utm_",)
# Paths that are never cached whatever their response says.
EXCLUDED_PREFIXES = ("/admin/", "/leads/", "/documents/", "/search/", "/static/", "/media/")
DEFAULT_PORTS = {"http": "80", "https": "443"}
# Set on the request by `paginated()`: the page number the view served for `?page=`.
PAGINATED_ATTRIBUTE = "page_cache_page_number"


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
