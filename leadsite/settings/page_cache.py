"""Settings of the page cache (leadsite/page_cache/), from environment variables: how long
pages are kept, the front cache to purge, per-process copies and the refresh after a purge.
Imported by base.py; docs/production.md explains the cache."""

from .environment import env

# The page cache (leadsite/page_cache/): anonymous public pages kept this long in the app
# cache and by shared caches in front (s-maxage); browsers keep them PAGE_CACHE_BROWSER_SECONDS.
# Every publish, unpublish, move and CTA or tag edit purges them. 0 turns the cache off.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_BROWSER_SECONDS = int(env("PAGE_CACHE_BROWSER_SECONDS", "60"))
# The front cache to purge (Wagtail's frontend cache): nginx's purge listener or Varnish by
# URL (FRONTEND_CACHE_PURGE_URL, e.g. http://127.0.0.1:8081), or Cloudflare.
WAGTAILFRONTENDCACHE = {}
if env("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_PURGE_URL"),
    }
if env("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_BEARER_TOKEN"),
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
    }
# Each app process serves its own copies of hot pages, trusting the shared cache's generation
# for this long (seconds): a hit then costs no Redis round trip, and another process's purge
# reaches it within that time. Off (0) by default when a front cache is configured, as a copy
# served stale in that second would be kept in front for PAGE_CACHE_SECONDS.
PAGE_CACHE_LOCAL_SECONDS = float(
    env("PAGE_CACHE_LOCAL_SECONDS", "0" if WAGTAILFRONTENDCACHE else "1")
)
PAGE_CACHE_LOCAL_MB = int(env("PAGE_CACHE_LOCAL_MB", "32"))  # per process
# After a purge, how many stale pages the site re-renders at once (all app processes together);
# meanwhile the others are served their previous copy. 1 keeps all but one sync worker serving
# hits while the hot pages are rendered again one by one; raise it with more app servers.
PAGE_CACHE_STALE_RENDERS = int(env("PAGE_CACHE_STALE_RENDERS", "1"))
# With a task worker (TASKS_BACKEND) and Redis, the worker renders the stale pages instead, at
# the lowest CPU priority, while requests serve the previous copies for up to this many
# seconds after a purge; a page still stale then is rendered as above, so nothing stays stale
# when no worker runs. 0: requests render them (leadsite/page_cache/refresh.py).
PAGE_CACHE_REFRESH_SECONDS = float(env("PAGE_CACHE_REFRESH_SECONDS", "5"))
