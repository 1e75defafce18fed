"""Cross-site posting defence that works on cached pages: Origin and Fetch Metadata.

Browsers send `Origin` with every POST and `Sec-Fetch-Site` with every request; a form on
another site cannot forge either. A request with neither comes from no browser, so it cannot
carry a visitor's ambient authority: it is treated like any other input (validated, deduped,
rate-limited).
"""

from urllib.parse import urlsplit

from django.conf import settings


def trusted_origins(request) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def origin_refused(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site and fetch_site not in {"same-origin", "none"}:
        return True
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin not in trusted_origins(request)
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" not in trusted_origins(request)
    return False
