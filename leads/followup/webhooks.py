"""The optional CRM webhook: each accepted lead POSTed as signed JSON.

The receiver checks `X-LeadSite-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body with
the secret set in the admin, and can drop replays by `X-LeadSite-Delivery` (one id per lead).

The URL is checked again before each send (webhook_target.py: https, public addresses only)
and the connection goes to the address that was checked. One POST, no redirect followed: a 3xx
is a refusal like a 4xx or 5xx. What a failure records for sales is a plain sentence, never an
exception class ("ConnectionRefusedError" against "timeout" would tell whoever reads it which
ports are open where the server stands).
"""

import hashlib
import hmac
import http.client
import json
import socket
import ssl

from django.conf import settings

from ..models import LeadSettings, Submission
from .webhook_target import Target, webhook_target

TIMEOUT_SECONDS = 10


class WebhookRefused(Exception):
    """The endpoint answered, but not with 2xx (a redirect included)."""

    def __init__(self, code: int):
        super().__init__(f"HTTP {code}")
        self.code = code
        self.plain_description = f"CRM endpoint refused the lead (HTTP {code})"


class WebhookUnreachable(Exception):
    """No answer: the name, the connection, TLS or the timeout failed (which one is not
    recorded, see above)."""

    plain_description = "CRM endpoint unreachable"


def pinned_connection(target: Target) -> http.client.HTTPConnection:
    """A connection to `target.address`, the address checked, while the Host header, TLS SNI
    and the certificate check use the URL's host name."""
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:  # only for a test host (LEAD_WEBHOOK_UNSAFE_TEST_HOSTS)
        connection = http.client.HTTPConnection(target.host, target.port, timeout=TIMEOUT_SECONDS)
    # http.client opens its socket through this attribute: connect to the checked address,
    # never to a second DNS answer for the host.
    connection._create_connection = lambda address, *args, **kwargs: socket.create_connection(
        (target.address, address[1]), *args, **kwargs
    )
    return connection


def post(target: Target, body: bytes, headers: dict) -> int:
    """POST once; the status code. Raises WebhookUnreachable if there is no answer."""
    connection = pinned_connection(target)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):  # ssl.SSLError and timeouts are OSErrors
        raise WebhookUnreachable from None
    finally:
        connection.close()


def payload(submission: Submission) -> dict:
    contact = submission.contact
    return {
        "event": "lead.created",
        "submission_id": submission.pk,
        "received_at": submission.received_at.isoformat(),
        "cta": {"id": submission.cta_id, "kind": submission.cta_kind, "name": submission.cta_title},
        "page": {"id": submission.page_id, "title": submission.page_title},
        "contact": {
            "id": contact.pk,
            "email": contact.email,
            "name": contact.name,
            "company": contact.company,
            "phone": contact.phone,
        },
        "answers": submission.answers,
        "consent": {
            "given": submission.consent_given,
            "version": submission.consent.version if submission.consent else "",
            "at": submission.consent_at.isoformat() if submission.consent_at else None,
        },
        "attribution": submission.attribution(),
    }


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(submission: Submission) -> str:
    config = LeadSettings.load()
    if not config.webhook_url:
        return "no webhook URL set"
    target = webhook_target(config.webhook_url)  # raises UnsafeWebhookURL
    body = json.dumps(payload(submission), ensure_ascii=False).encode()
    status = post(
        target,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": f"{settings.WAGTAIL_SITE_NAME} webhook",
            "X-LeadSite-Delivery": str(submission.pk),
            "X-LeadSite-Signature": sign(body, config.webhook_secret),
        },
    )
    if not 200 <= status < 300:
        raise WebhookRefused(status)
    return ""
