"""The suppression list: addresses no email goes to any more (a hard bounce, a spam complaint,
or staff). Marketing sends leave them out (mailings), and so do the follow-up emails to the
lead (leads/followup/emails.py)."""

from django.db import IntegrityError, transaction

from ..models import Suppression, SuppressionReason, email_digest, normalise_email


def suppression_add(*, email: str, reason: str, source: str) -> Suppression:
    """Suppress an address. Adding it again (a webhook retried, a bounce after a complaint)
    keeps the first entry: the first reason is the one that stopped the mail."""
    digest = email_digest(email)
    existing = Suppression.objects.filter(digest=digest).first()
    if existing is not None:
        return existing
    suppression = Suppression(
        email=normalise_email(email),
        digest=digest,
        reason=SuppressionReason(reason),
        source=source[:40],
    )
    suppression.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            suppression.save()
    except IntegrityError:  # the same address reported twice at once
        return Suppression.objects.get(digest=digest)
    return suppression


def suppression_remove(*, suppression: Suppression) -> None:
    """Mail may go to the address again (staff removed it, e.g. a mailbox that works again)."""
    Suppression.objects.filter(pk=suppression.pk).delete()


def suppression_reason(email: str) -> str:
    """Why mail to this address is suppressed ('bounce', 'complaint', 'manual'), or ''."""
    reason = Suppression.objects.filter(digest=email_digest(email)).values_list("reason", flat=True)
    return next(iter(reason), "")
