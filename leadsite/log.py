"""Log formatters: every line carries the request id, and no line carries an email address.

The code logs ids, never personal data, but text it does not control can still reach a log:
a database error quoting the row it refused ("Key (email)=(ana@acme.example) already
exists"), a library's message, a traceback. Both formatters mask anything shaped like an
email address in the finished line, message and traceback alike.
"""

import logging
import re

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
MASK = "[email]"


def redact(text: str) -> str:
    return EMAIL.sub(MASK, text)


class PlainFormatter(logging.Formatter):
    """One human-readable line per record (development)."""

    def format(self, record):
        return redact(super().format(record))


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line (production), for a log collector to index."""

    def format(self, record):
        return redact(super().format(record))


def scrub_sentry_event(event, hint):
    """Sentry's before_send: drop what a visitor typed (query strings, form data, cookies)
    from the request part of an error report, and mask addresses in its messages."""
    request = event.get("request") or {}
    for key in ("query_string", "data", "cookies"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in {"cookie", "authorization", "referer", "x-forwarded-for"}:
            headers.pop(name)
    for entry in (event.get("exception") or {}).get("values") or []:
        if isinstance(entry.get("value"), str):
            entry["value"] = redact(entry["value"])
    if isinstance(event.get("message"), str):
        event["message"] = redact(event["message"])
    logentry = event.get("logentry") or {}
    if isinstance(logentry.get("message"), str):
        logentry["message"] = redact(logentry["message"])
    return event
