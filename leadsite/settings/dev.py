"""Local development: DEBUG on, a fixed throwaway key, every host of this machine."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, PRIVATE_STORAGE, REDIS_URL, env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
# The demo content and fake data (`load_demo`, `generate_leads`); never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
# WhiteNoise serves files straight from the source folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "leads_private": PRIVATE_STORAGE,
}
# One cache for every process of this checkout: `runserver` and the commands run beside it
# (`import_articles`, `manage.py shell`), so that a purge made by a command reaches the running
# server at once. Files, as a development machine may have no Redis; REDIS_URL still wins.
if not REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("DEV_CACHE_DIR", str(BASE_DIR / "var" / "dev-cache")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# The server's own copies of pages would hide another process's purge for up to a second.
PAGE_CACHE_LOCAL_SECONDS = float(env("PAGE_CACHE_LOCAL_SECONDS", "0"))
