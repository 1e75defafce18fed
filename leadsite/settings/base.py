"""Settings shared by every environment.

Secure by default and configured by environment variables only; see `.env.example` for the
full list. The thin `dev`, `test` and `production` modules override what differs.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .environment import BASE_DIR, env, env_bool, env_list

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "blog",
    "leads",
    "mailings",
    "anymail",  # email service providers' backends and webhooks (settings/mail.py)
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "storages",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Probes answer before host validation and the HTTPS redirect (see leadsite/health.py).
    "leadsite.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are served by WhiteNoise, before sessions and auth, so they cost nothing.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "log_request_id.middleware.RequestIDMiddleware",
    # A database outage answers 503 with Retry-After instead of a 500 (leadsite/outage.py).
    "leadsite.outage.DatabaseOutageMiddleware",
    # A cached page is served from here on, with the headers of the response it was made
    # from (CSP and Permissions-Policy included): no session, CSRF or auth work for it.
    "leadsite.page_cache.PageCacheMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "leadsite.security.SiteCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leadsite.urls"
WSGI_APPLICATION = "leadsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leadsite.context_processors.site_meta",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite in the project folder by default; PostgreSQL (psycopg 3) or any other database through
# DATABASE_URL, e.g. postgres://user:password@host:5432/leadsite
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions take the write lock
    # up front so that concurrent writers queue on the busy timeout instead of failing with
    # "database is locked" when a read lock cannot be upgraded.
    # A local file cannot go away under a persistent connection: no health check needed.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# Files readers upload with lead forms (leads/uploads.py): a folder outside MEDIA_ROOT that no
# web server serves; sales download them through the admin only.
LEAD_PRIVATE_ROOT = Path(env("LEAD_PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": LEAD_PRIVATE_ROOT, "base_url": "/never-served/"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "leads_private": PRIVATE_STORAGE,
}
# Media on S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, ...) when a bucket is
# named; local disk otherwise. Image URLs are plain (unsigned) URLs, so cached pages keep
# working: make images/ and original_images/ publicly readable and keep documents/ private;
# documents are always streamed through Wagtail's view (WAGTAILDOCS_SERVE_METHOD below).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")


def s3_storage(bucket, *, endpoint_url=None, region=None, custom_domain=None, location=""):
    """The media storage on an S3-compatible bucket (django-storages)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": region,
            "custom_domain": custom_domain,
            "location": location,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }


if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = s3_storage(
        AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env("AWS_S3_ENDPOINT_URL"),
        region=env("AWS_S3_REGION_NAME"),
        custom_domain=env("AWS_S3_CUSTOM_DOMAIN"),
        location=env("AWS_LOCATION", ""),
    )
    # Uploaded lead files: the same bucket's private prefix, never public (no ACL grants, no
    # public cache headers); read only through the admin, never by a public URL.
    STORAGES["leads_private"] = s3_storage(
        AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env("AWS_S3_ENDPOINT_URL"),
        region=env("AWS_S3_REGION_NAME"),
        location=env("AWS_PRIVATE_LOCATION", "private"),
    )
    STORAGES["leads_private"]["OPTIONS"] |= {
        "default_acl": "private",
        "querystring_auth": True,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    PRIVATE_STORAGE = STORAGES["leads_private"]
    # Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3 itself.

# Cache: local memory for one process; Redis (shared by every app process) through REDIS_URL.
REDIS_URL = env("REDIS_URL")


def redis_cache(url, key_prefix="leadsite"):
    """The Redis cache (django-redis). A Redis that is down or slow reads as an empty cache
    (IGNORE_EXCEPTIONS): pages render, leads are taken, rate limits fail open; /readyz says
    "unavailable" so that a load balancer can tell. A Redis that hangs costs each process one
    SOCKET_TIMEOUT per CACHE_BREAKER_SECONDS, not one per call (leadsite/cache_breaker.py)."""
    return {
        "BACKEND": "leadsite.cache_breaker.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
            "BREAKER_SECONDS": float(env("CACHE_BREAKER_SECONDS", "5")),
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL, env("CACHE_KEY_PREFIX", "leadsite"))}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Email: console by default; SMTP when EMAIL_HOST is set.
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "LeadSite <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (django-tasks, which Wagtail 8 already uses for search and reference
# indexing): run in the request by default. In production set
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py run_worker`: tasks are then
# rows written in the same transaction as the lead they follow up.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}
# Go-live and expiry times: every `run_worker` (and `runserver`) runs Wagtail's
# publish_scheduled this often, in seconds; 0 turns it off there (leadsite/scheduling.py).
SCHEDULED_PUBLISHING_SECONDS = float(env("SCHEDULED_PUBLISHING_SECONDS", "30"))

# Security defaults that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # Wagtail's admin JavaScript reads the CSRF cookie.

# How many proxies in front of the app append to X-Forwarded-For (nginx alone: 1; a CDN in
# front of nginx: 2). 0 trusts no header: the client is REMOTE_ADDR. See leadsite/client_ip.py.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy (django-csp; leadsite/security.py). Media served from another
# origin (object storage, a CDN) and embedded players are allowed by name.
_MEDIA_ORIGINS = [
    f"https://{host}"
    for host in [env("AWS_S3_CUSTOM_DOMAIN"), urlsplit(env("AWS_S3_ENDPOINT_URL", "")).netloc]
    if host
]
CSP_EMBED_ORIGINS = env_list(
    "CSP_EMBED_ORIGINS",
    "https://www.youtube-nocookie.com,https://www.youtube.com,https://player.vimeo.com",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_MEDIA_ORIGINS],
        "media-src": ["'self'", *_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *CSP_EMBED_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
CSP_ADMIN_PREFIX = "/admin/"
CSP_ADMIN_DIRECTIVES = {
    # Wagtail 8's admin still writes inline scripts (its date and time widgets, inline and
    # multiple-chooser panels: wagtailadmin/widgets/*_input.html, panels/inline_panel.html)
    # and Draftail sets inline styles; upload previews are blob: URLs; the preview panel
    # frames the admin's own preview URLs. No 'unsafe-eval', no other origin.
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *_MEDIA_ORIGINS],
    "frame-ancestors": ["'self'"],
}

# Permissions-Policy (django-permissions-policy): the site uses none of these features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Brute-force protection on the sign-in (django-axes; attempts are rows in the database, so
# every app process sees them). Locked per client IP and, separately, per username: an
# attacker with many addresses is stopped by the second. The IP is leadsite.client_ip's,
# so a forged X-Forwarded-For changes nothing unless the operator trusts a proxy.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "leadsite.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its log lines would carry usernames and addresses
AXES_DISABLE_ACCESS_LOG = True  # keep failed attempts only, not a log of every sign-in
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# Axes' own 429 and message, plus Retry-After: the cool-off (leadsite/lockout.py).
AXES_LOCKOUT_CALLABLE = "leadsite.lockout.lockout_response"

# The page cache: leadsite/settings/page_cache.py.
from .page_cache import *  # noqa: E402, F403

# Wagtail
WAGTAIL_SITE_NAME = env("SITE_NAME", "LeadSite")
WAGTAILADMIN_BASE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# No Gravatar: it would send a hash of each staff member's email to a third party on every
# admin page. Wagtail shows its default avatar (or an uploaded one) instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Staff cannot change their own email address (account settings): lead notifications and
# alerts go to it, so only an administrator (Settings > Users) may point it at a mailbox.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents always go through Wagtail's view, never a storage URL: gated downloads stay gated.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "webp", "bmp": "webp", "gif": "webp"}
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
TAGGIT_CASE_INSENSITIVE = True
# Complex page forms in the Wagtail editor exceed Django's default of 1000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Links in imported Markdown that point at these origins are rewritten to internal page links.
LEADSITE_IMPORT_ORIGINS = env_list(
    "LEADSITE_IMPORT_ORIGINS", "https://leadcraftr.com,http://leadcraftr.com"
)

# Lead capture: leadsite/settings/leads.py.
from .leads import *  # noqa: E402, F403
from .mail import *  # noqa: E402, F403

# Logs: one line per record on the console, JSON in production (LOG_FORMAT=json), each with
# the request id (X-Request-ID, sent back in the response) and email addresses masked.
LOG_FORMAT = env("LOG_FORMAT", "plain")
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
if TRUSTED_PROXY_COUNT:
    # Only a proxy we trust sets it (nginx: proxy_set_header X-Request-ID $request_id).
    LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "plain": {
            "()": "leadsite.log.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "leadsite.log.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One INFO line per task run (search indexing, ...) drowns out everything else.
        "django_tasks": {"level": "WARNING"},
    },
}

# Error reports to Sentry (or a Sentry-compatible service) when SENTRY_DSN is set: no request
# bodies, cookies or user details are sent, only the error, its stack and the request path.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    from leadsite.log import scrub_sentry_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_sentry_event,
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )


def require(name, value):
    """Fail at boot, not at the first request, when a required setting is missing."""
    if not value:
        raise ImproperlyConfigured(f"The {name} environment variable is required.")
    return value
