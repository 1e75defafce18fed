"""The optional CRM webhook: each accepted lead POSTed as signed JSON.

The receiver checks `X-LeadSite-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body with
the secret set in the admin, and can drop replays by `X-LeadSite-Delivery` (one id per lead).
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings

from .models import LeadSettings, Submission

TIMEOUT_SECONDS = 10


class WebhookRefused(Exception):
    def __init__(self, code: int):
        super().__init__(f"HTTP {code}")
        self.code = code


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
    body = json.dumps(payload(submission), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is set by an admin, http(s) only
        config.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"{settings.WAGTAIL_SITE_NAME} webhook",
            "X-LeadSite-Delivery": str(submission.pk),
            "X-LeadSite-Signature": sign(body, config.webhook_secret),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        raise WebhookRefused(error.code) from None
    if not 200 <= status < 300:
        raise WebhookRefused(status)
    return ""
