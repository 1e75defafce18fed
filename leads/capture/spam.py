"""Spam and abuse defence without third-party services.

`spam_reasons()` says why a submission looks like spam (an empty list: it does not); such
submissions are quarantined, not refused, so a false positive loses nothing. Rate limits are
the one refusal, and they fail open: an unreachable cache never costs a lead.
"""

import functools
import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from .. import memo
from ..models import BlockedEmailDomain, normalise_email
from .tokens import FormToken

logger = logging.getLogger(__name__)

LINK = re.compile(r"(https?://|www\.|\[url|<a\s)", re.IGNORECASE)
MARKUP = re.compile(r"<[a-z/!]|\{\{|\{%", re.IGNORECASE)
MAX_LINKS_IN_MESSAGE = 3
SINGLE_LINE_FIELDS = ("name", "company", "job_title")


def spam_reasons(*, data: dict, token: FormToken, honeypot: str) -> list[str]:
    """Why this submission looks like spam, in words sales can read ([] if it does not)."""
    reasons = []
    if honeypot:
        reasons.append("honeypot filled in")
    if not token.valid:
        reasons.append("forged form token")
    elif token.age() < settings.LEAD_FORM_MIN_SECONDS:
        reasons.append("sent faster than a person can type")
    for field in SINGLE_LINE_FIELDS:
        value = data.get(field) or ""
        if LINK.search(value):
            reasons.append(f"link in {field.replace('_', ' ')}")
        elif MARKUP.search(value):
            reasons.append(f"markup in {field.replace('_', ' ')}")
    message = data.get("message") or ""
    if len(LINK.findall(message)) > MAX_LINKS_IN_MESSAGE:
        reasons.append("many links in message")
    if is_disposable(data.get("email") or ""):
        reasons.append("disposable email domain")
    return reasons


def is_disposable(email: str) -> bool:
    """Is the address at a blocked domain or one of its subdomains?"""
    domain = normalise_email(email).rpartition("@")[2].rstrip(".")
    if not domain:
        return False
    labels = domain.split(".")
    candidates = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    blocked = memo.blocked_domains.get(
        "all", lambda: frozenset(BlockedEmailDomain.objects.values_list("domain", flat=True))
    )
    return not blocked.isdisjoint(candidates)


# Rate limits ------------------------------------------------------------------------------

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
LIMIT = re.compile(r"^(ip|email)=(\d+)/(\d*)([smhd])$")


@dataclass(frozen=True)
class Limit:
    scope: str  # "ip" or "email"
    count: int
    seconds: int


def parse_rate_limits(value: str) -> list[Limit]:
    """`"ip=30/h,email=10/h"` → limits; `"off"` or empty → none. Bad syntax fails at boot."""
    value = (value or "").strip().lower()
    if value in {"", "off", "0", "false", "no"}:
        return []
    limits = []
    for part in value.split(","):
        match = LIMIT.match(part.strip())
        if not match:
            raise ImproperlyConfigured(
                f"LEAD_RATE_LIMITS: cannot read {part.strip()!r}; write e.g. 'ip=30/h,email=10/h'"
                " or 'off'."
            )
        scope, count, multiple, unit = match.groups()
        limits.append(Limit(scope, int(count), int(multiple or 1) * UNITS[unit]))
    return limits


# Memoised on the setting's text: every lead reads the limits, and the text rarely changes (a
# new text, e.g. from override_settings, is parsed afresh). A tuple: callers share the value.
@functools.lru_cache(maxsize=8)
def configured_limits(value: str) -> tuple[Limit, ...]:
    return tuple(parse_rate_limits(value))


def rate_limited(*, ip: str, email: str) -> bool:
    """Count this attempt against each limit; True if one of them is exceeded.

    Counters live on the shared cache (Redis in production), so every app process sees them.
    If the cache is unreachable the attempt is allowed: losing a lead is worse than a burst.
    """
    keys = {"ip": ip or "unknown", "email": normalise_email(email)}
    exceeded = False
    for limit in configured_limits(settings.LEAD_RATE_LIMITS):
        key = f"leads:rate:{limit.scope}:{limit.seconds}:{hash_key(keys[limit.scope])}"
        try:
            count = count_attempt(key, timeout=limit.seconds)
        except Exception as error:
            logger.warning("Rate limit not checked, cache unavailable: %s", type(error).__name__)
            return False
        if count is None:  # a cache that ignores its outages (django-redis) answers None
            logger.warning("Rate limit not checked, cache unavailable")
            return False
        exceeded = exceeded or count > limit.count
    return exceeded


def retry_after_seconds() -> int:
    """How long a client refused by `rate_limited` should wait (the Retry-After of its 429):
    the longest configured window, after which every counter it hit has expired."""
    return max(
        (limit.seconds for limit in configured_limits(settings.LEAD_RATE_LIMITS)), default=60
    )


def count_attempt(key: str, *, timeout: int) -> int | None:
    """Add one to the counter at `key` and return it; a new counter expires after `timeout`.

    INCR first: for a repeat visitor the counter exists, so this is one cache round trip
    instead of ADD then INCR. Django's caches all raise ValueError when incrementing a missing
    key; then ADD creates the counter at 1, with its expiry (two round trips, as before). If a
    concurrent request created it in between, ADD fails and INCR counts this attempt: none goes
    uncounted. The window still starts at the first attempt; INCR keeps the expiry.
    """
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)


def hash_key(value: str) -> str:
    """Cache keys carry no personal data (an IP or email would show in Redis)."""
    return hashlib.blake2b(
        value.encode("utf-8", "replace"), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


# The impression limit's window (LEAD_IMPRESSIONS_PER_IP_HOUR), and so the Retry-After of its 429.
IMPRESSION_WINDOW_SECONDS = 3600


def impression_rate_limited(*, ip: str) -> bool:
    """Count one impression beacon against the per-IP limit; True if it is exceeded.

    Separate counters from the form limits (a reader scrolling past many CTAs must not use up
    their form posts), and failing open like them: a lost impression matters less than a lead.
    """
    per_hour = settings.LEAD_IMPRESSIONS_PER_IP_HOUR
    if not per_hour:
        return False
    key = f"leads:rate:seen:{hash_key(ip or 'unknown')}"
    try:
        count = count_attempt(key, timeout=IMPRESSION_WINDOW_SECONDS)
    except Exception as error:
        logger.warning("Impression limit not checked, cache unavailable: %s", type(error).__name__)
        return False
    return count is not None and count > per_hour
