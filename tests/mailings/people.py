"""People in the states the audience rules tell apart, an email and a broadcast to them, for
the tests of mailings' audiences, segments and sending (written straight to the tables, as
the capture and preference services leave them)."""

import itertools
import json

from django.utils import timezone

from leads.models import (
    ConsentPurpose,
    ConsentRecord,
    ConsentSource,
    ConsentText,
    Contact,
    MailingList,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    email_digest,
)
from mailings.models import Broadcast, BroadcastStatus, Email, Segment

_people = itertools.count(1)


def wording() -> ConsentText:
    return ConsentText.objects.get_or_create(
        version="mail-test", defaults={"text": "Send me your newsletter."}
    )[0]


def consent(contact, given: bool, *, mailing_list=None, at=None) -> ConsentRecord:
    """A yes or no on marketing email in the ledger (for one list, or for all of it)."""
    return ConsentRecord.objects.create(
        contact=contact,
        purpose=ConsentPurpose.MARKETING,
        given=given,
        source=ConsentSource.PREFERENCES,
        mailing_list=mailing_list,
        text=wording(),
        recorded_at=at or timezone.now(),
    )


def newsletter(slug="newsletter", *, double_opt_in=True) -> MailingList:
    return MailingList.objects.get_or_create(
        slug=slug, defaults={"name": slug.title(), "double_opt_in": double_opt_in}
    )[0]


def person(
    email=None,
    *,
    marketing=True,
    mailing_list=None,
    subscription=SubscriptionStatus.CONFIRMED,
    **fields,
) -> Contact:
    """A contact who said yes (`marketing`) or no to marketing email, on `mailing_list` with
    that subscription status if one is given."""
    n = next(_people)
    contact = Contact.objects.create(email=email or f"reader{n}@firm{n}.example", **fields)
    if marketing is not None:
        consent(contact, marketing)
    if mailing_list is not None:
        Subscription.objects.create(
            contact=contact,
            mailing_list=mailing_list,
            status=subscription,
            confirmed_at=timezone.now() if subscription == SubscriptionStatus.CONFIRMED else None,
        )
    return contact


def suppress(contact, reason=SuppressionReason.BOUNCE) -> Suppression:
    return Suppression.objects.create(
        email=contact.email, digest=email_digest(contact.email), reason=reason, source="test"
    )


def make_email(subject="News from LeadSite", *, track_clicks=False) -> Email:
    body = [
        {"type": "text", "value": "<p>Hello, here is what is new.</p>"},
        {"type": "button", "value": {"label": "Read it", "url": "https://example.com/post"}},
    ]
    return Email.objects.create(
        name=subject, subject=subject, body=json.dumps(body), track_clicks=track_clicks
    )


def make_segment(*conditions) -> Segment:
    return Segment.objects.create(name="Test segment", conditions=list(conditions))


def broadcast_to(*, mailing_list=None, segment=None, email=None, when=None) -> Broadcast:
    """A broadcast scheduled for `when` (now): the next tick starts it."""
    return Broadcast.objects.create(
        name="Test broadcast",
        email=email or make_email(),
        mailing_list=mailing_list,
        segment=segment,
        status=BroadcastStatus.SCHEDULED,
        scheduled_for=when or timezone.now(),
    )
