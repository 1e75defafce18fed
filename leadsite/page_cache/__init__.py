"""The page cache: anonymous public pages served from the shared cache, purged on every change.

`keys` (which requests, which key), `copies` (each process's own copies), `shared` (the
generation, lookups, single-flight claims), `store` (what is kept), `middleware` (serve),
`purge` (what apps call when content changes), `refresh` (the task worker renders stale
pages after a purge). It imports no app: each app registers its URLs and connects
its own signals to `purge()`. How it behaves and why: docs/production.md, "The page cache".
"""

from .copies import PREVIOUS_COPIES, LocalCopies, local_copies
from .keys import (
    DEFAULT_PORTS,
    EXCLUDED_PREFIXES,
    IGNORED_PARAMS,
    IGNORED_PREFIXES,
    PAGINATED_ATTRIBUTE,
    RENDERED_PARAMS,
    cache_host,
    cache_key,
    is_canonical,
    paginated,
)
from .middleware import PageCacheMiddleware
from .purge import (
    public_urls,
    purge,
    purge_after_change,
    purge_after_placement,
    register_public_urls,
)
from .shared import (
    GENERATION_KEY,
    REFRESH_ENVIRON,
    REFRESH_KEY,
    RENDER_CLAIM_SECONDS,
    cache_unreachable,
    generation,
    lookup,
    release,
    render_claim,
    rest,
)
from .store import UNCACHED_HEADERS, is_storable, keep_rendered, mark_public, store

__all__ = [
    "DEFAULT_PORTS",
    "EXCLUDED_PREFIXES",
    "GENERATION_KEY",
    "IGNORED_PARAMS",
    "IGNORED_PREFIXES",
    "PAGINATED_ATTRIBUTE",
    "PREVIOUS_COPIES",
    "REFRESH_ENVIRON",
    "REFRESH_KEY",
    "RENDERED_PARAMS",
    "RENDER_CLAIM_SECONDS",
    "UNCACHED_HEADERS",
    "LocalCopies",
    "PageCacheMiddleware",
    "cache_host",
    "cache_key",
    "cache_unreachable",
    "generation",
    "is_canonical",
    "is_storable",
    "keep_rendered",
    "local_copies",
    "lookup",
    "mark_public",
    "paginated",
    "public_urls",
    "purge",
    "purge_after_change",
    "purge_after_placement",
    "register_public_urls",
    "release",
    "render_claim",
    "rest",
    "store",
]
