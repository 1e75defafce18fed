"""What a lead does through the links we email: confirm a newsletter (double opt-in),
unsubscribe, resubscribe, download the document.

The link tokens themselves are checked in leads/capture/tokens.py; docs/leads.md has the rules
("Newsletter double opt-in", "Gated downloads").
"""

import datetime
import time

from django.db import transaction
from django.utils import timezone

from ..capture.tokens import OPT_IN_MAX_AGE
from ..models import (
    Contact,
    DownloadEvent,
    MailingList,
    Submission,
    Subscription,
    SubscriptionStatus,
)

DEFAULT_LIST_SLUG = "newsletter"


def mailing_list_for(cta) -> MailingList:
    """The list a newsletter CTA subscribes people to: its own, else the site's newsletter
    (created the first time it is needed)."""
    if cta.mailing_list_id:
        return cta.mailing_list
    mailing_list, _ = MailingList.objects.get_or_create(
        slug=DEFAULT_LIST_SLUG, defaults={"name": "Newsletter"}
    )
    return mailing_list


def subscription_request(submission: Submission) -> Subscription:
    """A sign-up through a newsletter CTA: pending until the emailed link is followed, or
    confirmed at once on a list without double opt-in."""
    mailing_list = mailing_list_for(submission.cta)
    now = timezone.now()
    subscription, created = Subscription.objects.get_or_create(
        contact=submission.contact,
        mailing_list=mailing_list,
        defaults={"cta": submission.cta},
    )
    if not created and subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        subscription.status = SubscriptionStatus.PENDING
        subscription.requested_at = now
        subscription.cta = submission.cta
        subscription.save(update_fields=["status", "requested_at", "cta"])
    if not mailing_list.double_opt_in and subscription.status == SubscriptionStatus.PENDING:
        subscription.status = SubscriptionStatus.CONFIRMED
        subscription.confirmed_at = now
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


def last_unsubscribe(subscription: Subscription) -> datetime.datetime | None:
    """When the person last unsubscribed from this newsletter or from all email, if ever."""
    moments = [subscription.unsubscribed_at, subscription.contact.unsubscribed_at]
    return max(filter(None, moments), default=None)


def subscription_link_current(*, subscription: Subscription, link_issued_at: float) -> bool:
    """Whether a confirmation link may still confirm: the subscription awaits confirmation and
    the link was issued after the person's last unsubscribe. An old opt-in email never
    overrides a later unsubscribe; signing up again sends a new link."""
    if subscription.status != SubscriptionStatus.PENDING:
        return False
    unsubscribed = last_unsubscribe(subscription)
    return unsubscribed is None or link_issued_at > unsubscribed.timestamp()


@transaction.atomic
def subscription_confirm(*, subscription: Subscription, link_issued_at: float) -> Subscription:
    """Double opt-in: the reader followed the emailed link. Confirming twice changes nothing,
    and a link issued before the person's last unsubscribe confirms nothing."""
    subscriptions = Subscription.objects.select_for_update(of=("self",))
    subscription = subscriptions.select_related("cta", "contact").get(pk=subscription.pk)
    if subscription_link_current(subscription=subscription, link_issued_at=link_issued_at):
        subscription.status = SubscriptionStatus.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.unsubscribed_at = None
        subscription.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        Contact.objects.filter(pk=subscription.contact_id).update(unsubscribed_at=None)
        subscription.contact.unsubscribed_at = None
    return subscription


@transaction.atomic
def contact_unsubscribe(*, contact: Contact) -> Contact:
    """No more marketing email to this person, and no newsletter."""
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
    contact.subscriptions.exclude(status=SubscriptionStatus.UNSUBSCRIBED).update(
        status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now
    )
    return Contact.objects.get(pk=contact.pk)


def contact_can_resubscribe(*, link_issued_at: float) -> bool:
    """Resubscribing from an unsubscribe link counts as a double opt-in (the link reached the
    person's inbox, and only a POST acts), so the link may be no older than a confirmation
    link may be: an unsubscribe link never expires, a consent must not come from years ago."""
    return time.time() - link_issued_at <= OPT_IN_MAX_AGE


@transaction.atomic
def contact_resubscribe(*, contact: Contact, link_issued_at: float) -> Contact:
    """Undo an unsubscribe from the unsubscribe page: marketing email again, and every
    newsletter the person had confirmed is confirmed again (now). Newsletters never confirmed
    stay as they are. Does nothing with a link too old to consent by."""
    if not contact_can_resubscribe(link_issued_at=link_issued_at):
        return contact
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(unsubscribed_at=None)
    contact.subscriptions.filter(
        status=SubscriptionStatus.UNSUBSCRIBED, confirmed_at__isnull=False
    ).update(status=SubscriptionStatus.CONFIRMED, confirmed_at=now, unsubscribed_at=None)
    return Contact.objects.get(pk=contact.pk)


def download_record(*, submission: Submission) -> DownloadEvent:
    return DownloadEvent.objects.create(submission=submission, document=submission.cta.document)
