"""Production: everything comes from the environment, and missing secrets stop the boot."""

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CONTENT_SECURITY_POLICY,
    LOGGING,
    SECRET_KEY,
    env,
    env_bool,
    require,
)

DEBUG = False
SECRET_KEY = require("SECRET_KEY", SECRET_KEY)
ALLOWED_HOSTS = require("ALLOWED_HOSTS", env("ALLOWED_HOSTS") and ALLOWED_HOSTS)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preload only takes effect once the domain is submitted to hstspreload.org.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Trust X-Forwarded-Proto only behind a declared TLS-terminating proxy; otherwise anyone could
# claim HTTPS.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if SECURE_SSL_REDIRECT:
    # Browsers fetch any http:// URL left in content (an old image link) over HTTPS instead.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True
# One JSON object per line for the log collector, unless LOG_FORMAT=plain.
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", "json")
