"""Fast, hermetic tests: MD5 hasher, locmem mail and cache, plain static storage, tasks inline."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 - tests only
# The demo content and fake data (`load_demo`, `generate_leads`); never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test sees the shared cache as it is; tests/leadsite/page_cache/test_page_cache.py turns
# the per-process copies on where it tests them.
PAGE_CACHE_LOCAL_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploaded lead files: one folder per test process, like MEDIA_ROOT.
    "leads_private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": BASE_DIR / "var" / f"test-private-{env('PYTEST_XDIST_WORKER', 'main')}",
            "base_url": "/never-served/",
        },
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / "var" / f"test-media-{env('PYTEST_XDIST_WORKER', 'main')}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not Django's default in-memory database: the in-memory one is shared between the
    # test thread and the live server's threads in SQLite's shared-cache mode, where a read
    # during a write fails at once with "database table is locked" instead of waiting (WAL and
    # the busy timeout apply to files only). pytest-django adds the xdist worker's suffix.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
    # A throwaway database need not survive a power cut: no fsync at all.
    DATABASES["default"]["OPTIONS"]["init_command"] = DATABASES["default"]["OPTIONS"][
        "init_command"
    ].replace("synchronous=NORMAL", "synchronous=OFF")
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
}
