"""Every write to leads: one function per use case, one transaction each.

Side effects (emails, webhooks) are `Delivery` rows written in the same transaction as the
submission they follow up, then handed to the task queue: they exist exactly when the
submission does, and a failure leaves them to be retried, never rolls the lead back.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from . import memo
from .attribution import Attribution
from .models import (
    STUCK_AFTER,
    CallToAction,
    ConsentText,
    Contact,
    CTAKind,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DownloadEvent,
    LeadSettings,
    Status,
    Submission,
    Subscription,
    SubscriptionStatus,
    normalise_email,
)

CONTACT_FIELDS = ("name", "company", "phone", "job_title")

# The review workflow: from each status, the statuses a person may move a submission to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_REVIEW, Status.QUALIFIED, Status.DISQUALIFIED, Status.SPAM),
    Status.IN_REVIEW: (Status.QUALIFIED, Status.DISQUALIFIED, Status.SPAM),
    Status.QUALIFIED: (Status.HANDED_OFF, Status.DISQUALIFIED),
    Status.DISQUALIFIED: (Status.IN_REVIEW,),
    Status.HANDED_OFF: (Status.WON, Status.LOST),
    Status.WON: (),
    Status.LOST: (),
    Status.SPAM: (Status.NEW,),  # release from quarantine: see submission_release
}
REASON_REQUIRED = {Status.DISQUALIFIED}


class WebinarFull(Exception):
    """The webinar has no seat left (or has already taken place)."""


@dataclass
class CaptureResult:
    submission: Submission
    created: bool
    deliveries: list[Delivery] = field(default_factory=list)


def idempotency_key(*, cta_id: int, nonce: str, answers: dict) -> str:
    """Same form render and same answers: the same submission (double clicks, replays).

    The render nonce alone would not do: a cached page gives every visitor the same one.
    """
    canonical = json.dumps([cta_id, nonce, answers], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def submission_capture(
    *,
    cta: CallToAction,
    answers: dict,
    consent_given: bool,
    consent_version: str,
    page=None,
    attribution: Attribution,
    nonce: str,
    spam_reasons: list[str],
) -> CaptureResult:
    """Store one answer to a CTA, deduplicated, and enqueue its follow-up.

    Suspected spam is stored in quarantine, with no contact, follow-up or notification.
    Raises WebinarFull when a webinar has no seat left.
    """
    key = idempotency_key(cta_id=cta.pk, nonce=nonce, answers=answers)
    # Reads first, outside the transaction: on SQLite the transaction holds the one write lock.
    consent = consent_text_for(cta, consent_version)
    send_webhook = bool(LeadSettings.current().webhook_url)
    now = timezone.now()
    submission = Submission(
        email=answers["email"],
        cta=cta,
        cta_kind=cta.kind,
        cta_title=cta.title,
        page=page,
        page_title=page.title if page else "",
        answers=answers,
        consent_given=consent_given,
        consent=consent,
        consent_at=now,
        received_at=now,
        idempotency_key=key,
        **attribution.as_fields(),
    )
    if spam_reasons:
        submission.status = Status.SPAM
        submission.spam_reasons = spam_reasons
    # Field validation only: the database enforces the unique key and the constraints, and
    # asking it first would cost a query each. Attribution URLs are browser-supplied and
    # already clipped to http(s) by attribution.py; URLValidator would turn e.g. a referrer on
    # an intranet host ("http://wiki/") into a 500, and losing the lead over it is worse.
    submission.full_clean(
        exclude=["contact", "page", "cta", "consent", "referrer", "landing_page"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            if not spam_reasons and cta.kind == CTAKind.WEBINAR:
                reserve_seat(cta)
            if not spam_reasons:
                submission.contact = contact_upsert(answers)
            submission.save()
            deliveries = [] if spam_reasons else follow_up_create(submission, send_webhook)
    except IntegrityError:
        # Already stored: a double click, a refresh of the POST or a replay (possibly by a
        # concurrent request). The unique key rolled this attempt back whole.
        existing = Submission.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return CaptureResult(existing, created=False)
    return CaptureResult(submission, created=True, deliveries=deliveries)


def consent_text_for(cta: CallToAction, version: str) -> ConsentText:
    """The exact consent wording the reader saw.

    A cached page may show an older wording than the CTA has now; every wording ever shown is
    kept by version, so the one the form carried is found. Unknown versions fall back to the
    current text.
    """
    for candidate in filter(None, (version, cta.consent_version)):
        known = memo.consent_texts.get(
            candidate, lambda v=candidate: ConsentText.objects.filter(version=v).first()
        )
        if known is not None:
            return known
    consent, _ = ConsentText.objects.get_or_create(
        version=cta.consent_version, defaults={"text": cta.consent}
    )
    return consent


def consent_text_record(cta: CallToAction) -> None:
    """Keep the CTA's current consent wording (called when a CTA is saved)."""
    ConsentText.objects.get_or_create(version=cta.consent_version, defaults={"text": cta.consent})


def reserve_seat(cta: CallToAction) -> None:
    """Refuse the registration if the webinar is full or over; the CTA row lock serialises
    concurrent registrations so the limit holds."""
    locked = CallToAction.objects.select_for_update().get(pk=cta.pk)
    if locked.is_past or locked.is_full():
        raise WebinarFull


def contact_upsert(answers: dict) -> Contact:
    """The contact for this email, created if new, with the details given last.

    One INSERT ... ON CONFLICT (email) DO UPDATE: atomic under any concurrency (one contact
    per person), no savepoint, and only the details given now are overwritten, so an empty
    answer never erases a known value. The returned object carries the id and what was given.
    """
    details = {name: answers[name] for name in CONTACT_FIELDS if answers.get(name)}
    contact = Contact(email=normalise_email(answers["email"]), **details)
    Contact.objects.bulk_create(
        [contact],
        update_conflicts=True,
        unique_fields=["email"],
        update_fields=[*details, "updated_at"],
    )
    return contact


def follow_up_create(submission: Submission, send_webhook: bool | None = None) -> list[Delivery]:
    """The side effects of an accepted submission, written now and run by the task queue."""
    kinds = [DeliveryKind.NOTIFICATION]
    if submission.cta_kind == CTAKind.NEWSLETTER:
        subscription = subscription_request(submission)
        if subscription.status != SubscriptionStatus.CONFIRMED:
            kinds.append(DeliveryKind.OPT_IN)
    else:
        kinds.append(DeliveryKind.CONFIRMATION)
    if send_webhook is None:
        send_webhook = bool(LeadSettings.current().webhook_url)
    if send_webhook:
        kinds.append(DeliveryKind.WEBHOOK)
    deliveries = Delivery.objects.bulk_create(
        [Delivery(submission=submission, kind=kind) for kind in kinds]
    )
    if submission.pk and deliveries and deliveries[0].pk is None:  # backends without RETURNING
        deliveries = list(submission.deliveries.all())
    from .tasks import enqueue_deliveries

    enqueue_deliveries(deliveries)
    return deliveries


def subscription_request(submission: Submission) -> Subscription:
    subscription, created = Subscription.objects.get_or_create(
        contact=submission.contact, cta=submission.cta
    )
    if not created and subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        subscription.status = SubscriptionStatus.PENDING
        subscription.requested_at = timezone.now()
        subscription.save(update_fields=["status", "requested_at"])
    return subscription


@transaction.atomic
def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """Double opt-in: the reader followed the emailed link. Confirming twice changes nothing."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != SubscriptionStatus.CONFIRMED:
        subscription.status = SubscriptionStatus.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.unsubscribed_at = None
        subscription.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        Contact.objects.filter(pk=subscription.contact_id).update(unsubscribed_at=None)
    return subscription


@transaction.atomic
def contact_unsubscribe(*, contact: Contact) -> None:
    """No more marketing email to this person, and no newsletter."""
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
    contact.subscriptions.exclude(status=SubscriptionStatus.UNSUBSCRIBED).update(
        status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now
    )


def download_record(*, submission: Submission) -> DownloadEvent:
    return DownloadEvent.objects.create(submission=submission, document=submission.cta.document)


# Review -----------------------------------------------------------------------------------


@transaction.atomic
def submission_set_status(*, submission: Submission, to: str, by, reason: str = "") -> Submission:
    """Move a submission along the review workflow, recorded in Wagtail's audit log."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if to == Status.NEW and submission.status == Status.SPAM:
        raise ValidationError("Release quarantined submissions with submission_release().")
    if to not in TRANSITIONS[submission.status]:
        raise ValidationError(
            f"A {submission.get_status_display().lower()} submission cannot become "
            f"{Status(to).label.lower()}."
        )
    if to in REASON_REQUIRED and not reason.strip():
        raise ValidationError("Give a reason.")
    previous = submission.status
    submission.status = to
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["status", "status_changed_at"])
    log(
        submission,
        "leads.status_change",
        user=by,
        data={"from": previous, "to": to, "reason": reason.strip()},
    )
    return submission


@transaction.atomic
def submission_release(*, submission: Submission, by) -> Submission:
    """Not spam after all: attach the contact and run the normal follow-up."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Status.SPAM:
        raise ValidationError("Only quarantined submissions can be released.")
    submission.contact = contact_upsert(submission.answers | {"email": submission.email})
    submission.status = Status.NEW
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["contact", "status", "status_changed_at"])
    log(
        submission,
        "leads.status_change",
        user=by,
        data={"from": Status.SPAM, "to": Status.NEW, "reason": "released from quarantine"},
    )
    existing = set(submission.deliveries.values_list("kind", flat=True))
    if not existing:
        follow_up_create(submission)
    return submission


# Deliveries -------------------------------------------------------------------------------


def delivery_claim(delivery_id: int) -> Delivery | None:
    """Take a delivery for one attempt; None if it is done or another worker has it.

    The row lock makes two workers running the same task send once; a delivery left
    "sending" by a worker that died is taken again once it is stale.
    """
    now = timezone.now()
    claimable = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) | Q(
        status=DeliveryStatus.SENDING, last_attempt_at__lte=now - STUCK_AFTER
    )
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("submission")
            .filter(claimable, pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.save(update_fields=["status", "attempts", "last_attempt_at"])
    return delivery


def delivery_succeeded(delivery: Delivery, *, skipped_because: str = "") -> None:
    delivery.status = DeliveryStatus.SKIPPED if skipped_because else DeliveryStatus.SENT
    delivery.last_error = skipped_because
    delivery.done_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "last_error", "done_at", "next_attempt_at"])


def delivery_failed(delivery: Delivery, error: BaseException) -> datetime.datetime | None:
    """Record a failed attempt; returns when to retry, or None when it has given up."""
    delivery.last_error = describe_error(error)
    if delivery.attempts >= settings.LEAD_DELIVERY_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.GAVE_UP
        delivery.next_attempt_at = None
        delivery.done_at = timezone.now()
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "done_at"])
    return delivery.next_attempt_at


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8... minutes, capped at six hours."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 360))


def describe_error(error: BaseException) -> str:
    """The kind of failure, without the message: SMTP replies may quote addresses."""
    status = getattr(error, "smtp_code", None) or getattr(error, "code", None)
    name = type(error).__name__
    return f"{name} ({status})" if isinstance(status, int) else name
