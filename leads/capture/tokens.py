"""Signed, expiring tokens: in rendered forms, and in the links we send to leads.

Nothing here is a per-visitor secret: a form token is the same for everyone who gets the same
cached page, which is what keeps article pages cacheable. Links carry a signed random
reference, never an id or personal data.
"""

import base64
import math
import os
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

FORM_SALT = "leads.form"
LINK_SALTS = {
    "thanks": "leads.thanks",
    "download": "leads.download",
    "opt_in": "leads.opt-in",
    "unsubscribe": "leads.unsubscribe",
    "preferences": "mailings.preferences",
}
OPT_IN_MAX_AGE = 30 * 24 * 3600
CAMPAIGN_MAX = 100  # leads.Campaign.utm_campaign's max_length, and attribution's UTM_MAX


@dataclass(frozen=True)
class FormToken:
    """What a posted form token says: which CTA, page and consent wording it was rendered
    with, and when. Signed, so a visitor cannot attribute a lead to another page or record
    consent to words they were not shown."""

    cta_id: int
    nonce: str
    issued_at: float
    valid: bool  # signature intact and for this CTA
    expired: bool
    page_id: int | None = None
    consent_version: str = ""
    campaign: str = ""  # the utm_campaign of the page the form is on (a landing page's)

    def age(self, now: float | None = None) -> float:
        return (now or time.time()) - self.issued_at


def form_token(
    cta_id: int,
    *,
    page_id: int | None = None,
    consent_version: str = "",
    campaign: str = "",
    issued_at: float | None = None,
    nonce: str | None = None,
) -> str:
    """A token for one render of a CTA form: the CTA, the page it is on, the consent wording
    shown, a random nonce (or the one given: tests and demo data replaying a render), the
    render time and the page's campaign, if it has one (a landing page's utm_campaign, which
    the lead counts under when the visitor's URL names none).

    The campaign is appended only when there is one, so most tokens stay as short as before
    and tokens rendered before it existed still read. At most CAMPAIGN_MAX characters (a
    Campaign's utm_campaign), which keeps the token under the form field's 300."""
    nonce = nonce or base64.urlsafe_b64encode(os.urandom(9)).decode()
    issued_at = time.time() if issued_at is None else issued_at
    # Rounded down, never up: a render time in the future would make a form posted at once
    # look younger than 0 s, and LEAD_FORM_MIN_SECONDS=0 would not turn the time trap off.
    issued_at = math.floor(issued_at * 10) / 10
    payload = [cta_id, nonce, issued_at, page_id or 0, consent_version]
    if campaign:
        payload.append(campaign[:CAMPAIGN_MAX])
    return signing.dumps(payload, salt=FORM_SALT, compress=False)


def read_form_token(token: str, cta_id: int) -> FormToken:
    """Read a posted token; a forged or foreign one comes back with `valid=False`."""
    try:
        signed_cta, nonce, issued_at, page_id, version, *campaign = signing.loads(
            token, salt=FORM_SALT
        )
        issued_at, page_id = float(issued_at), int(page_id) or None
    except (signing.BadSignature, ValueError, TypeError):
        return FormToken(cta_id, "", 0.0, valid=False, expired=False)
    max_age = settings.LEAD_FORM_MAX_AGE_HOURS * 3600
    return FormToken(
        cta_id=cta_id,
        nonce=str(nonce),
        issued_at=issued_at,
        valid=signed_cta == cta_id,
        expired=time.time() - issued_at > max_age,
        page_id=page_id,
        consent_version=str(version),
        campaign=str(campaign[0]) if campaign else "",
    )


@dataclass(frozen=True)
class Link:
    """What a signed link names: an object's public reference (`legacy_id` instead, for a link
    issued before references existed), and when the link was issued."""

    reference: uuid.UUID | None
    legacy_id: int | None
    issued_at: float

    def lookup(self) -> dict:
        """The filter that finds the object the link was made for."""
        return {"reference": self.reference} if self.reference else {"pk": self.legacy_id}

    def age(self, now: float | None = None) -> float:
        return (now or time.time()) - self.issued_at


def form_token_for_view(token: str) -> str | None:
    """A fresh token for the form `token` was rendered into, stamped now: what leads.js asks
    for as soon as a page is shown, so that the time trap counts from when this visitor loaded
    the page, not from when a cached copy of it was rendered (up to PAGE_CACHE_SECONDS before,
    in the app's cache or in nginx's). Same CTA, page, consent wording and campaign, a new
    nonce (a page view is a new render); None for a forged or expired token, which gains
    nothing here."""
    try:
        cta_id, _, issued_at, page_id, version, *campaign = signing.loads(token, salt=FORM_SALT)
        cta_id, issued_at, page_id = int(cta_id), float(issued_at), int(page_id) or None
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if time.time() - issued_at > settings.LEAD_FORM_MAX_AGE_HOURS * 3600:
        return None
    return form_token(
        cta_id,
        page_id=page_id,
        consent_version=str(version),
        campaign=str(campaign[0]) if campaign else "",
    )


def link_token(purpose: str, reference: uuid.UUID, *, issued_at: float | None = None) -> str:
    """A link for one purpose to the object with this public reference, never its id (ids are
    sequential: two links would tell how many leads came in between). It carries the issue
    time to the microsecond, so that a confirmation link is known to be older than an
    unsubscribe (services.subscription_link_current)."""
    issued_at = time.time() if issued_at is None else issued_at
    value = f"{reference.hex}.{signing.b62_encode(int(issued_at * 1_000_000))}"
    return signing.Signer(salt=LINK_SALTS[purpose]).sign(value)


def read_link_token(purpose: str, token: str, *, max_age: float | None) -> Link | None:
    """What a link token names, or None if it is forged, for another purpose, or expired.

    Links issued before references (`<id>:<seconds>`, TimestampSigner's format with the same
    salts) are still read: unsubscribe links in old emails must keep working. No new ones are
    made."""
    try:
        value = signing.Signer(salt=LINK_SALTS[purpose]).unsign(token)
        if "." in value:
            reference, micros = value.split(".")
            link = Link(uuid.UUID(hex=reference), None, signing.b62_decode(micros) / 1_000_000)
        else:
            legacy_id, seconds = value.split(":")
            link = Link(None, int(legacy_id), float(signing.b62_decode(seconds)))
    except (signing.BadSignature, ValueError):
        return None
    if max_age is not None and link.age() > max_age:
        return None
    return link


def download_max_age() -> int:
    return settings.LEAD_DOWNLOAD_LINK_DAYS * 24 * 3600
