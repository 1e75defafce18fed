"""Who may get marketing email, and who a broadcast goes to.

A person gets marketing email only if all of these hold (docs/email.md, "Who gets email"):
- their latest word on marketing (the consent ledger, purpose "marketing") is yes: for a list,
  a yes given for all marketing or for that list;
- they have not unsubscribed from everything (`Contact.unsubscribed_at`);
- their address is not suppressed (a hard bounce, a complaint, or staff);
- for a list: their subscription is confirmed (through the emailed link, where the list asks
  for double opt-in).

The suppression list is checked twice: here by address, and again by digest when each email
goes out (mailings/sending/dispatch.py), which also covers a person re-captured after an
erasure.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from leads.models import (
    ConsentPurpose,
    ConsentRecord,
    Contact,
    MailingList,
    SubscriptionStatus,
    Suppression,
)

from .segments import segment_contacts


def latest_marketing_consent(mailing_list: MailingList | None = None) -> Subquery:
    """The person's latest yes or no on marketing (for this list, or for all marketing)."""
    scope = Q(mailing_list__isnull=True)
    if mailing_list is not None:
        scope |= Q(mailing_list=mailing_list)
    latest = (
        ConsentRecord.objects.filter(
            scope, contact=OuterRef("pk"), purpose=ConsentPurpose.MARKETING
        )
        .order_by("-recorded_at", "-pk")
        .values("given")[:1]
    )
    return Subquery(latest)


def marketable(contacts: QuerySet[Contact], mailing_list: MailingList | None = None):
    """These contacts, less those who may not get marketing email (see the module)."""
    return (
        contacts.filter(unsubscribed_at__isnull=True)
        .exclude(email__in=Suppression.objects.exclude(email="").values("email"))
        .annotate(marketing_consent=latest_marketing_consent(mailing_list))
        .filter(marketing_consent=True)
    )


def list_recipients(mailing_list: MailingList) -> QuerySet[Contact]:
    """Everyone confirmed on the list who may get marketing email."""
    confirmed = Contact.objects.filter(
        subscriptions__mailing_list=mailing_list,
        subscriptions__status=SubscriptionStatus.CONFIRMED,
    )
    return marketable(confirmed, mailing_list)


def segment_recipients(segment) -> QuerySet[Contact]:
    """Everyone in the segment who may get marketing email."""
    return marketable(segment_contacts(segment))


def broadcast_recipients(broadcast) -> QuerySet[Contact]:
    if broadcast.mailing_list_id:
        return list_recipients(broadcast.mailing_list)
    return segment_recipients(broadcast.segment)
