"""What a person changes from the links in our emails (the preference centre, one-click
unsubscribe, a complaint reported by the mail provider): lists joined and left, all email
stopped or started again. Each change that alters something writes one consent record (purpose
marketing, `source` saying where) with the exact wording the person was shown; a repeated
request (a retried webhook, a double click) changes nothing and records nothing."""

from django.db import transaction
from django.utils import timezone

from ..models import (
    ConsentPurpose,
    ConsentRecord,
    Contact,
    MailingList,
    Subscription,
    SubscriptionStatus,
)
from .capture import consent_wording
from .subscriptions import contact_can_resubscribe, contact_resubscribe, contact_unsubscribe


def marketing_consent_record(
    *,
    contact: Contact,
    given: bool,
    wording: str,
    source: str,
    mailing_list: MailingList | None = None,
) -> ConsentRecord:
    """One entry of the consent ledger made outside a form (no submission)."""
    return ConsentRecord.objects.create(
        contact=contact,
        submission=None,
        purpose=ConsentPurpose.MARKETING,
        given=given,
        text=consent_wording(wording),
        source=source,
        mailing_list=mailing_list,
        recorded_at=timezone.now(),
    )


def _locked(contact: Contact) -> Contact:
    """The contact, locked until the transaction ends (PostgreSQL), so that two requests at
    once (one-click and a webhook) cannot both record the same change."""
    return Contact.objects.select_for_update().get(pk=contact.pk)


@transaction.atomic
def list_join(
    *, contact: Contact, mailing_list: MailingList, wording: str, source: str
) -> Subscription:
    """Join a list from an email's link: confirmed at once (the link proves the inbox)."""
    _locked(contact)
    now = timezone.now()
    subscription, _ = Subscription.objects.get_or_create(contact=contact, mailing_list=mailing_list)
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return subscription
    subscription.status = SubscriptionStatus.CONFIRMED
    subscription.confirmed_at = now
    subscription.unsubscribed_at = None
    subscription.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    marketing_consent_record(
        contact=contact, given=True, wording=wording, source=source, mailing_list=mailing_list
    )
    return subscription


@transaction.atomic
def list_leave(*, contact: Contact, mailing_list: MailingList, wording: str, source: str) -> bool:
    """Leave one list (confirmed or still awaiting confirmation). False if not on it."""
    _locked(contact)
    left = (
        Subscription.objects.filter(contact=contact, mailing_list=mailing_list)
        .exclude(status=SubscriptionStatus.UNSUBSCRIBED)
        .update(status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    )
    if left:
        marketing_consent_record(
            contact=contact, given=False, wording=wording, source=source, mailing_list=mailing_list
        )
    return bool(left)


@transaction.atomic
def contact_opt_out(*, contact: Contact, wording: str, source: str) -> bool:
    """No more marketing email nor lists (leads' `contact_unsubscribe`), recorded in the
    ledger. False, and nothing recorded, if the person had already unsubscribed."""
    if _locked(contact).unsubscribed_at is not None:
        return False
    contact_unsubscribe(contact=contact)
    marketing_consent_record(contact=contact, given=False, wording=wording, source=source)
    return True


@transaction.atomic
def contact_opt_in_again(
    *, contact: Contact, wording: str, source: str, link_issued_at: float
) -> bool:
    """Undo an unsubscribe from an email's link no older than a confirmation link may be
    (`contact_can_resubscribe`): marketing email again, with the lists the person had
    confirmed. False, and nothing recorded, when the link is too old or nothing changed."""
    if _locked(contact).unsubscribed_at is None:
        return False
    if not contact_can_resubscribe(link_issued_at=link_issued_at):
        return False
    contact_resubscribe(contact=contact, link_issued_at=link_issued_at)
    marketing_consent_record(contact=contact, given=True, wording=wording, source=source)
    return True
