"""Capture: store one answer to a call to action, deduplicated, and write its follow-up.

The public form's whole write path: the contact, the webinar seat, the consent wording, the
submission and its deliveries, in one transaction. The follow-up (`follow_up_create`) is only
written here; the outbox has it sent once the lead commits (leads/services/outbox.py).
See docs/leads.md for the capture rules.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import cleaning, memo, rows
from ..attribution import Attribution
from ..models import (
    CallToAction,
    ConsentText,
    Contact,
    CTAKind,
    Delivery,
    DeliveryKind,
    LeadSettings,
    Status,
    Submission,
    SubscriptionStatus,
    normalise_email,
)
from . import outbox
from .subscriptions import subscription_request

CONTACT_FIELDS = ("name", "company", "phone", "job_title")


class WebinarFull(Exception):
    """The webinar has no seat left (or has already taken place)."""


@dataclass
class CaptureResult:
    submission: Submission
    created: bool
    deliveries: list[Delivery] = field(default_factory=list)


class PageRef(NamedTuple):
    """The page a form was sent from, as a submission keeps it: its id and its title then.
    A `Page` will do as well; the lead path reads only these two columns."""

    pk: int
    title: str


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
    page: PageRef | None = None,
    attribution: Attribution,
    nonce: str,
    spam_reasons: list[str],
) -> CaptureResult:
    """Store one answer to a CTA, deduplicated, and enqueue its follow-up.

    Suspected spam is stored in quarantine, with no contact, follow-up or notification.
    Raises WebinarFull when a webinar has no seat left.
    """
    # The one cleaning step of every stored text (answers and attribution): leads/cleaning.py.
    answers = cleaning.clean_stored(answers)
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
        page_id=page.pk if page else None,
        page_title=page.title if page else "",
        answers=answers,
        consent_given=consent_given,
        consent=consent,
        consent_at=now,
        received_at=now,
        idempotency_key=key,
        **cleaning.clean_stored(attribution.as_fields()),
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
                reserve_seat(cta, email=answers["email"])
            if not spam_reasons:
                submission.contact = contact_upsert(answers)
            rows.insert([submission])
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


def reserve_seat(cta: CallToAction, *, email: str = "") -> None:
    """Refuse the registration if the webinar is full or over; the CTA row lock serialises
    concurrent registrations so the limit holds. Seats are people: someone registered already
    keeps their seat when they send the form again, full or not."""
    locked = CallToAction.objects.select_for_update().get(pk=cta.pk)
    if locked.is_past:
        raise WebinarFull
    if locked.is_full() and not holds_seat(locked, email):
        raise WebinarFull


def holds_seat(cta: CallToAction, email: str) -> bool:
    return cta.seat_holders().filter(email=normalise_email(email)).exists()


def contact_upsert(answers: dict) -> Contact:
    """The contact for this email, created if new, with the details given last.

    One INSERT ... ON CONFLICT (email) DO UPDATE: atomic under any concurrency (one contact
    per person), no savepoint, and only the details given now are overwritten, so an empty
    answer never erases a known value. The returned object carries the id and what was given.
    """
    details = {name: answers[name] for name in CONTACT_FIELDS if answers.get(name)}
    contact = Contact(email=normalise_email(answers["email"]), **details)
    rows.upsert(contact, unique=["email"], update=[*details, "updated_at"])
    return contact


def follow_up_create(submission: Submission, send_webhook: bool | None = None) -> list[Delivery]:
    """The side effects of an accepted submission: written now, in the caller's transaction,
    and sent by the outbox once it commits."""
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
    deliveries = [Delivery(submission=submission, kind=kind) for kind in kinds]
    rows.insert(deliveries)
    outbox.send(deliveries)
    return deliveries
