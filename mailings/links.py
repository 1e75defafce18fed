"""The signed links in an email: one-click unsubscribe (RFC 8058), the preference centre, and
tracked links. They name the send's or the contact's random reference, never an id or an
address, and only this site can make them."""

import uuid

from django.core import signing
from django.urls import reverse

from leads.capture.tokens import link_token

from .rendering import absolute

UNSUBSCRIBE_SALT = "mailings.unsubscribe"
CLICK_SALT = "mailings.click"


def unsubscribe_token(send_reference: uuid.UUID) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(send_reference.hex)


def read_unsubscribe_token(token: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(hex=signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def click_token(send_reference: uuid.UUID, url: str) -> str:
    return signing.dumps([send_reference.hex, url], salt=CLICK_SALT, compress=True)


def read_click_token(token: str) -> tuple[uuid.UUID, str] | None:
    """The send and the link a tracked click names, or None for a forged or broken token."""
    try:
        reference, url = signing.loads(token, salt=CLICK_SALT)
        return uuid.UUID(hex=reference), url
    except (signing.BadSignature, ValueError, TypeError):
        return None


def unsubscribe_url(send_reference: uuid.UUID) -> str:
    return absolute(reverse("mailings:unsubscribe", args=[unsubscribe_token(send_reference)]))


def preferences_url(contact_reference: uuid.UUID) -> str:
    token = link_token("preferences", contact_reference)
    return absolute(reverse("mailings:preferences", args=[token]))


def click_url(send_reference: uuid.UUID, url: str) -> str:
    return absolute(reverse("mailings:click", args=[click_token(send_reference, url)]))
