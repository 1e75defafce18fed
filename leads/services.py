"""Every write to leads: one function per use case, one transaction each.

Side effects (emails, webhooks) are `Delivery` rows written in the same transaction as the
submission they follow up, then handed to the task queue: they exist exactly when the
submission does, and a failure leaves them to be retried, never rolls the lead back.
"""

import contextlib
import datetime
import hashlib
import html
import json
import secrets
import time
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page

from . import cleaning, memo, privacy, rows, scoring
from .capture import spam
from .capture.attribution import Attribution
from .capture.tokens import OPT_IN_MAX_AGE, FormToken, read_form_token
from .capture.visit import Visit
from .models import (
    CallToAction,
    ConsentText,
    Contact,
    CTAKind,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DownloadEvent,
    LeadSettings,
    Note,
    ScoringRule,
    ScoringSettings,
    Status,
    Submission,
    Subscription,
    SubscriptionStatus,
    normalise_email,
    stuck_sending,
)
from .staff import may_work_leads

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


class FormExpired(Exception):
    """The form was rendered longer ago than LEAD_FORM_MAX_AGE_HOURS: the reader checks it and
    sends it again (with a fresh token for the same CTA, page and consent wording)."""

    def __init__(self, token: FormToken):
        super().__init__("form token expired")
        self.token = token


class RateLimited(Exception):
    """Too many forms from this address, or for this email, in a short time (spam.rate_limited):
    the one refusal of the capture path; the reader may send again later."""


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


def lead_capture(*, cta: CallToAction, data: Mapping, answers: dict, visit: Visit) -> CaptureResult:
    """The capture use case: what a valid form posted to a CTA becomes. The submit view calls
    it, and so should anything else that captures a lead (tests, demo data).

    `data` is the form's cleaned data (its token, honeypot, first touch and consent), `answers`
    what the reader answered (`LeadForm.answers`), `visit` what the view read off the request.
    Refuses an expired form (FormExpired) and a rate-limited sender (RateLimited); otherwise
    classifies spam, finds the page the form was on, reads the attribution and stores the lead
    (raising WebinarFull when a webinar has no seat left): see `submission_capture`.
    """
    token = read_form_token(data["token"], cta.pk)
    if token.valid and token.expired:
        raise FormExpired(token)
    if visit.ip is not None and spam.rate_limited(ip=visit.ip, email=data["email"]):
        raise RateLimited
    return submission_capture(
        cta=cta,
        answers=answers,
        consent_given=data.get("consent", True),
        consent_version=token.consent_version,
        page=page_for_submission(token.page_id),
        attribution=Attribution.for_visit(
            visit,
            first_landing=data["first_landing"],
            first_referrer=data["first_referrer"],
            posted_from=data["posted_from"],
        ),
        nonce=token.nonce,
        spam_reasons=spam.spam_reasons(data=data, token=token, honeypot=data["website"]),
    )


# The page a form token names, read with one plain SELECT: every lead asks, and on this path
# building Wagtail's page queryset and model instance would cost several times the query
# itself (see docs/performance.md).
PAGE_TITLE_SQL = "SELECT {title} FROM {table} WHERE {id} = %s"


def page_for_submission(page_id: int | None) -> PageRef | None:
    """The page the form was rendered on, with its id and title only; None if there is none or
    it has been deleted since the page was cached (the lead is kept without it)."""
    if not page_id:
        return None
    quote = connection.ops.quote_name
    sql = PAGE_TITLE_SQL.format(
        title=quote("title"), table=quote(Page._meta.db_table), id=quote("id")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [page_id])
        row = cursor.fetchone()
    return PageRef(page_id, row[0]) if row else None


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
    deliveries = [Delivery(submission=submission, kind=kind) for kind in kinds]
    rows.insert(deliveries)
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


# Review -----------------------------------------------------------------------------------


def allowed_transitions(submission: Submission) -> tuple[str, ...]:
    """The statuses a person may move this submission to now (what the admin offers)."""
    if submission.erased_at:
        return ()
    return TRANSITIONS[submission.status]


@transaction.atomic
def submission_set_status(*, submission: Submission, to: str, by, reason: str = "") -> Submission:
    """Move a submission along the review workflow, recorded in Wagtail's audit log.

    Raises ValidationError for a move the workflow does not allow, or a missing reason.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    reason = reason.strip()
    if to == Status.NEW and submission.status == Status.SPAM:
        return submission_release(submission=submission, by=by)
    if to not in allowed_transitions(submission):
        raise ValidationError(
            f"A {submission.get_status_display().lower()} submission cannot become "
            f"{Status(to).label.lower()}."
        )
    if to in REASON_REQUIRED and not reason:
        raise ValidationError("Give a reason.")
    if len(reason) > Submission._meta.get_field("status_reason").max_length:
        raise ValidationError("Keep the reason under 500 characters.")
    previous = submission.status
    submission.status = to
    submission.status_reason = reason
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["status", "status_reason", "status_changed_at"])
    log(
        submission,
        "leads.status_change",
        user=by,
        data={"from": previous, "to": to, "reason": reason},
    )
    return submission


@dataclass
class BulkResult:
    """What a bulk action did: the ids it changed, and why each other one was left alone."""

    changed: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def submissions_set_status(*, submissions, to: str, by, reason: str = "") -> BulkResult:
    """The bulk form of submission_set_status: each submission the workflow allows is moved
    (and logged on its own); the others are reported, not changed."""
    result = BulkResult()
    if to in REASON_REQUIRED and not reason.strip():
        raise ValidationError("Give a reason.")
    for submission in submissions:
        try:
            with transaction.atomic():
                submission_set_status(submission=submission, to=to, by=by, reason=reason)
        except ValidationError as error:
            result.refused[submission.pk] = " ".join(error.messages)
        else:
            result.changed.append(submission.pk)
    return result


@transaction.atomic
def submissions_assign(*, submissions, owner, by) -> BulkResult:
    """Give submissions to a salesperson (owner=None: unassign), each change logged, and tell
    the new owner by email (an assignment notice per lead; not when they took it themselves).

    The owner must be able to work leads (`staff.may_work_leads`)."""
    if owner is not None and not may_work_leads(owner):
        raise ValidationError("This person cannot work leads.")
    result = BulkResult()
    owner_id = owner.pk if owner else None
    for submission in Submission.objects.select_for_update().filter(
        pk__in=[s.pk for s in submissions]
    ):
        if submission.erased_at or submission.owner_id == owner_id:
            result.refused[submission.pk] = (
                "already assigned" if not submission.erased_at else "erased"
            )
            continue
        previous = submission.owner_id
        submission.owner_id = owner_id
        submission.save(update_fields=["owner"])
        log(submission, "leads.assign", user=by, data={"from": previous, "to": owner_id})
        result.changed.append(submission.pk)
    if owner is not None and owner != by:
        assignment_notices_create(submission_ids=result.changed)
    return result


def assignment_notices_create(*, submission_ids: list[int]) -> list[Delivery]:
    """An assignment notice for each of these submissions, sent and retried like the other
    follow-up. A submission has one notice row: a reassignment sends it again (to the owner of
    the moment). Call inside a transaction."""
    if not submission_ids:
        return []
    existing = Delivery.objects.filter(
        submission_id__in=submission_ids, kind=DeliveryKind.ASSIGNMENT
    )
    existing.update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        last_error="",
        last_attempt_at=None,
        next_attempt_at=None,
        done_at=None,
    )
    known = set(existing.values_list("submission_id", flat=True))
    Delivery.objects.bulk_create(
        Delivery(submission_id=pk, kind=DeliveryKind.ASSIGNMENT)
        for pk in submission_ids
        if pk not in known
    )
    deliveries = list(existing)
    from .tasks import enqueue_deliveries

    enqueue_deliveries(deliveries)
    return deliveries


def submission_assign(*, submission: Submission, owner, by) -> Submission:
    submissions_assign(submissions=[submission], owner=owner, by=by)
    submission.refresh_from_db(fields=["owner"])
    return submission


# Notes ------------------------------------------------------------------------------------


@transaction.atomic
def note_add(*, contact: Contact, text: str, by) -> Note:
    note = Note(contact=contact, author=by, text=text.strip())
    note.full_clean()
    note.save()
    log(contact, "leads.note_add", user=by, data={"note": note.pk})
    return note


@transaction.atomic
def note_edit(*, note: Note, text: str, by) -> Note:
    """Only a note's author edits it."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.author_id != by.pk:
        raise PermissionDenied("Only the author can edit a note.")
    note.text = text.strip()
    note.full_clean()
    note.save(update_fields=["text", "updated_at"])
    log(note.contact, "leads.note_edit", user=by, data={"note": note.pk})
    return note


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
    claimable = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) | stuck_sending(now)
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
    """The kind of failure, without the message: SMTP replies may quote addresses. Errors
    that carry a `plain_description` (the CRM webhook's) are recorded as that sentence."""
    if plain := getattr(error, "plain_description", ""):
        return plain
    status = getattr(error, "smtp_code", None) or getattr(error, "code", None)
    name = type(error).__name__
    return f"{name} ({status})" if isinstance(status, int) else name


# Contact page -----------------------------------------------------------------------------

RETRYABLE = (DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP)


@transaction.atomic
def delivery_retry(*, delivery: Delivery, by) -> Delivery:
    """Send a failed email or webhook again now, at a person's request, and log who asked.

    The attempt count is kept (it is the delivery's history): a delivery that had given up
    gets one more attempt, and gives up again if that fails too.
    Raises ValidationError if the delivery has not failed.
    """
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status not in RETRYABLE:
        raise ValidationError(
            f"Only failed deliveries can be retried; this one is "
            f"{delivery.get_status_display().lower()}."
        )
    if delivery.submission.erased_at:
        raise ValidationError("This submission was erased: there is no one to send it to.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = None
    delivery.done_at = None
    delivery.save(update_fields=["status", "next_attempt_at", "done_at"])
    log(
        delivery.submission,
        "leads.delivery_retry",
        user=by,
        data={"delivery": delivery.pk, "kind": delivery.kind},
    )
    from .tasks import deliver, enqueue, enqueue_is_transactional, logger

    if enqueue_is_transactional():
        # In a savepoint: a failed queue write leaves the delivery pending for
        # redrive_deliveries instead of undoing the retry.
        try:
            with transaction.atomic():
                deliver.enqueue(delivery.pk)
        except Exception as error:
            logger.error("Could not enqueue delivery %s: %s", delivery.pk, type(error).__name__)
    else:  # an in-process queue must not run before the reset is committed
        transaction.on_commit(lambda: enqueue(deliver, delivery.pk))
    return delivery


# Scoring ----------------------------------------------------------------------------------

# Contacts scored per query and bulk update: memory stays flat on 100k contacts.
SCORE_BATCH = 500


def scored_submissions():
    """What scoring reads of submissions (scoring.compute also skips spam and erased ones)."""
    return (
        Submission.objects.live()
        .exclude(status=Status.SPAM)
        .only("contact", "cta", "cta_kind", "answers", "received_at", "status", "erased_at")
    )


@dataclass
class ScoringInputs:
    rules: list[ScoringRule]
    settings: ScoringSettings
    free_domains: frozenset[str]

    @classmethod
    def load(cls) -> "ScoringInputs":
        config = ScoringSettings.load()
        return cls(list(ScoringRule.objects.all()), config, config.free_domains())

    def score(self, contact: Contact, submissions, now: datetime.datetime) -> scoring.Score:
        return scoring.compute(
            domain=scoring.email_domain(contact.email),
            submissions=submissions,
            rules=self.rules,
            half_life_days=self.settings.half_life_days,
            free_domains=self.free_domains,
            now=now,
        )

    def is_hot(self, contact: Contact, score: scoring.Score) -> bool:
        return self.settings.is_hot(score.points) and contact.hot_notified_at is None


def score_apply(contact: Contact, score: scoring.Score, now: datetime.datetime) -> None:
    contact.score = score.points
    contact.score_explanation = [[label, points] for label, points in score.explanation]
    contact.score_computed_at = now


def contact_score_refresh(*, contact: Contact, now: datetime.datetime | None = None) -> Contact:
    """Recompute one contact's score and explanation; alert the owner once if it became hot."""
    now = now or timezone.now()
    inputs = ScoringInputs.load()  # reads before the transaction (SQLite's write lock)
    submissions = list(scored_submissions().filter(contact=contact))
    score = inputs.score(contact, submissions, now)
    with transaction.atomic():
        score_apply(contact, score, now)
        # update(), not save(): the capture path may be updating the person's details now.
        Contact.objects.filter(pk=contact.pk).update(
            score=contact.score,
            score_explanation=contact.score_explanation,
            score_computed_at=now,
        )
        if inputs.is_hot(contact, score):
            contact_hot_alert(contact=contact, now=now)
    return contact


def scores_recompute(*, contact_ids=None, now: datetime.datetime | None = None) -> int:
    """Recompute the scores of the given contacts (all if None), in batches; returns how many.

    Run by a task when the rules or settings change, and daily (`manage.py score_contacts`)
    so that decay shows. Contacts that became hot are alerted, once each.
    """
    now = now or timezone.now()
    inputs = ScoringInputs.load()
    contacts = Contact.objects.order_by("pk").only("pk", "email", "hot_notified_at")
    if contact_ids is not None:
        contacts = contacts.filter(pk__in=list(contact_ids))
    done, last_pk = 0, 0
    while batch := list(contacts.filter(pk__gt=last_pk)[:SCORE_BATCH]):
        last_pk = batch[-1].pk
        by_contact: dict[int, list[Submission]] = {}
        for submission in scored_submissions().filter(contact__in=[c.pk for c in batch]):
            by_contact.setdefault(submission.contact_id, []).append(submission)
        hot = []
        for contact in batch:
            score = inputs.score(contact, by_contact.get(contact.pk, []), now)
            score_apply(contact, score, now)
            if inputs.is_hot(contact, score):
                hot.append(contact)
        with transaction.atomic():
            Contact.objects.bulk_update(batch, ["score", "score_explanation", "score_computed_at"])
            for contact in hot:
                contact_hot_alert(contact=contact, now=now)
        done += len(batch)
    return done


def contact_hot_alert(*, contact: Contact, now: datetime.datetime) -> Delivery | None:
    """Alert the contact's owner (or the sales inbox) that the lead is hot: once per contact.

    The conditional UPDATE makes two processes scoring the same contact alert once. The alert
    is a Delivery of the contact's latest submission, so it is sent and retried like the
    lead's other emails. Call inside a transaction.
    """
    latest = scored_submissions().filter(contact=contact).order_by("-received_at", "-pk").first()
    if latest is None:
        return None
    claimed = Contact.objects.filter(pk=contact.pk, hot_notified_at__isnull=True).update(
        hot_notified_at=now
    )
    if not claimed:
        return None
    contact.hot_notified_at = now
    delivery, created = Delivery.objects.get_or_create(
        submission=latest, kind=DeliveryKind.HOT_LEAD
    )
    log(contact, "leads.hot_lead", data={"score": contact.score, "delivery": delivery.pk})
    if created:
        from .tasks import enqueue_deliveries

        enqueue_deliveries([delivery])
    return delivery


# Impressions ------------------------------------------------------------------------------

# Double-quoted identifiers are standard SQL: the same statement runs on SQLite and PostgreSQL.
IMPRESSION_UPSERT = """
    INSERT INTO "leads_ctaimpression" ("day", "cta_id", "page_id", "count")
    SELECT %s, cta."id", page."id", 1
    FROM "leads_calltoaction" cta, "wagtailcore_page" page
    WHERE cta."id" = %s AND page."id" = %s
    ON CONFLICT ("day", "cta_id", "page_id")
    DO UPDATE SET "count" = "leads_ctaimpression"."count" + 1
"""


def impression_record(*, cta_id: int, page_id: int, day: datetime.date) -> bool:
    """Count one view of a CTA on a page on a day; False if the CTA or the page is gone.

    One statement, INSERT ... SELECT ... ON CONFLICT DO UPDATE SET count = count + 1, the same
    SQL on SQLite (3.24+) and PostgreSQL: atomic under any concurrency (no lost increment, no
    IntegrityError to retry, no transaction to hold). The SELECT yields no row for a CTA or page
    deleted since the page was cached, so a stale beacon is ignored instead of breaking a
    foreign key.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            IMPRESSION_UPSERT, [connection.ops.adapt_datefield_value(day), cta_id, page_id]
        )
        return cursor.rowcount > 0


# Privacy ----------------------------------------------------------------------------------
#
# Erasure leaves only anonymous counts. Submission rows are kept, scrubbed in place (analytics
# still counts them: day, CTA, page, status, UTM source/medium/campaign); everything else about
# the person is deleted: contact (with notes and subscriptions), deliveries, downloads,
# task-queue rows and audit-log entries. One anonymous "leads.erase" entry is then logged on
# each scrubbed submission (label "Submission #n", data {"cause": "request" | "retention"}), so
# the history shows that an erasure happened and who did it, and nothing about the person.

ERASE_BATCH = 500


@dataclass
class RetentionResult:
    """What the retention policy erased (or would erase, on a dry run): counts only."""

    submissions_by_status: dict[str, int]
    contacts: int
    dry_run: bool

    @property
    def submissions(self) -> int:
        return sum(self.submissions_by_status.values())


def person_erase(*, email: str, by=None) -> dict[str, int]:
    """Erase everything held about this email address; returns how many of each kind of record
    were erased (no personal data). Erasing an unknown or already erased address does nothing.
    """
    with erasing(), transaction.atomic():
        # Lock the contact first: a lead arriving meanwhile waits, then creates a new contact
        # instead of attaching a submission to the one being deleted.
        Contact.objects.with_email(email).select_for_update().first()
        data = privacy.find(email)
        submissions_scrub(
            ids=[s.pk for s in data.submissions],
            task_result_ids=data.task_result_ids,
            by=by,
            cause="request",
        )
        if data.contact is not None:
            contacts_delete(contact_ids=[data.contact.pk])
    return data.counts()


def retention_apply(*, dry_run: bool = False, now=None) -> RetentionResult:
    """Erase the submissions kept longer than LEAD_RETENTION_DAYS allows for their status, then
    delete the contacts no live submission keeps. Idempotent: meant to run daily.

    Works in batches, each in its own transaction: a run over a large backlog does not hold
    locks for long, and an interrupted run is finished by the next one.
    """
    from django.db.models import Count

    expired = privacy.expired_submissions(privacy.retention_policy(), now=now)
    by_status = dict(expired.order_by().values_list("status").annotate(count=Count("pk")))
    if dry_run:
        contacts = privacy.contacts_without_live_submissions(ignoring=expired).count()
        return RetentionResult(by_status, contacts, dry_run=True)
    with erasing():
        contacts = retention_erase(expired)
    return RetentionResult(by_status, contacts, dry_run=False)


def retention_erase(expired) -> int:
    """Erase these expired submissions, then the contacts left without a live submission;
    returns how many contacts were deleted."""
    ids = list(expired.order_by("pk").values_list("pk", flat=True))
    # The queue rows are found in one pass over the queue, not one per batch.
    task_result_ids = privacy.task_results_for(
        set(Delivery.objects.filter(submission_id__in=ids).values_list("pk", flat=True))
    )
    for start in range(0, len(ids), ERASE_BATCH):
        with transaction.atomic():
            submissions_scrub(
                ids=ids[start : start + ERASE_BATCH],
                task_result_ids=task_result_ids if start == 0 else [],
                by=None,
                cause="retention",
            )
    contacts = 0
    while True:
        with transaction.atomic():
            batch = list(
                privacy.contacts_without_live_submissions()
                .select_for_update()
                .order_by("pk")
                .values_list("pk", flat=True)[:ERASE_BATCH]
            )
            if not batch:
                break
            contacts += contacts_delete(contact_ids=batch)
    return contacts


@contextlib.contextmanager
def erasing():
    """Leave no copy of erased data in an SQLite database's files.

    Deleted and overwritten rows otherwise stay readable in the file: in the freed space of
    their pages, and in the write-ahead log until it is checkpointed. While erasing, SQLite's
    `secure_delete` overwrites what is deleted with zeros; once the erasure commits, the WAL is
    copied into the database and truncated (`wal_checkpoint(TRUNCATE)`). What remains is
    documented in docs/leads.md ("What erasure leaves behind"). Other databases: nothing to do.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA secure_delete = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA secure_delete = {int(previous)}")
    transaction.on_commit(sqlite_checkpoint)


def sqlite_checkpoint() -> None:
    """Copy the WAL into the database file and truncate it. A reader still on an older snapshot
    keeps part of it until the next checkpoint (SQLite's own, every 1000 pages)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def submissions_scrub(*, ids: list[int], task_result_ids: list, by, cause: str) -> int:
    """Scrub these submissions in place and delete their follow-up records (call inside a
    transaction). Returns how many were scrubbed; already erased ones are left alone."""
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import ModelLogEntry

    submissions = list(
        Submission.objects.select_for_update().filter(pk__in=ids, erased_at__isnull=True)
    )
    if not submissions:
        return 0
    ids = [s.pk for s in submissions]
    deliveries = Delivery.objects.filter(submission_id__in=ids)
    downloads = DownloadEvent.objects.filter(submission_id__in=ids)
    privacy.log_entries_on(
        {
            Submission: ids,
            Delivery: list(deliveries.values_list("pk", flat=True)),
            DownloadEvent: list(downloads.values_list("pk", flat=True)),
        }
    ).delete()
    if task_result_ids:
        DBTaskResult.objects.filter(pk__in=task_result_ids).delete()
    deliveries.delete()
    downloads.delete()
    now = timezone.now()
    for submission in submissions:
        scrub(submission, now)
    Submission.objects.bulk_update(submissions, SCRUBBED_FIELDS)
    content_type = ContentType.objects.get_for_model(Submission)
    action_uuid = uuid.uuid4()  # one erasure, one id: Wagtail groups the entries by it
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(submission.pk),
            label=str(submission),
            action="leads.erase",
            data={"cause": cause},
            timestamp=now,
            user=by,
            uuid=action_uuid,
        )
        for submission in submissions
    )
    return len(submissions)


SCRUBBED_FIELDS = [
    "erased_at",
    "email",
    "answers",
    "contact",
    "owner",
    "referrer",
    "landing_page",
    "first_touch",
    "utm_term",
    "utm_content",
    "spam_reasons",
    "status_reason",
    "idempotency_key",
    "reference",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "received_at",
    "consent_at",
    "status_changed_at",
]


def scrub(submission: Submission, now: datetime.datetime) -> None:
    """What remains of an erased submission: its day, CTA, page, status, consent wording and
    campaign (source, medium, name), nothing that points back to the person."""
    submission.erased_at = now
    submission.email = ""
    submission.answers = {}
    submission.contact = None
    submission.owner = None
    submission.referrer = ""
    submission.landing_page = ""
    submission.first_touch = {}
    submission.utm_term = ""
    submission.utm_content = ""
    submission.spam_reasons = []
    # Staff may have typed personal details in a reason; a disqualified row needs one.
    submission.status_reason = "erased" if submission.status == Status.DISQUALIFIED else ""
    # The old key is a hash of the answers; the unique constraint needs some value.
    submission.idempotency_key = secrets.token_hex(32)
    # Links sent to the person (thank-you, download) find nothing any more.
    submission.reference = uuid.uuid4()
    # The campaign is kept for the counts, unless a value names someone (utm_source=ana@...).
    for name in KEPT_UTM:
        if names_someone(getattr(submission, name)):
            setattr(submission, name, "")
    submission.received_at = day_start(submission.received_at)
    submission.consent_at = day_start(submission.consent_at)
    submission.status_changed_at = day_start(submission.status_changed_at)


KEPT_UTM = ("utm_source", "utm_medium", "utm_campaign")


def names_someone(value: str) -> bool:
    """Whether a campaign value holds an email address or a handle: an '@' in any form a link
    can carry it (percent-encoded, HTML entity, full-width U+FF20). Any '@' counts: a wrongly
    cleared campaign costs one anonymous count, a kept address is a breach."""
    for _ in range(3):  # encoded within encoded (%2540) is still an '@'
        value = html.unescape(unquote_plus(value))
    return "@" in unicodedata.normalize("NFKC", value)


def day_start(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Midnight (site time zone) of that day: the day still counts, the exact time is gone."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def contacts_delete(*, contact_ids: list[int]) -> int:
    """Delete these contacts, their notes and subscriptions, and the audit-log entries on all of
    them (inside a transaction, once their submissions are scrubbed). Returns how many."""
    if Submission.objects.filter(contact_id__in=contact_ids).exists():
        # A submission would be deleted with its contact: erase (scrub) it first.
        raise ValidationError("These contacts still have submissions.")
    privacy.log_entries_on(
        {
            Contact: contact_ids,
            Note: Note.objects.filter(contact_id__in=contact_ids).values_list("pk", flat=True),
            Subscription: Subscription.objects.filter(contact_id__in=contact_ids).values_list(
                "pk", flat=True
            ),
        }
    ).delete()
    deleted, _ = Contact.objects.filter(pk__in=contact_ids).delete()
    return len(contact_ids) if deleted else 0


# Exports ----------------------------------------------------------------------------------

EXPORT_ACTION = "leads.export"


def export_record(
    *, model, label: str, by, export_format: str, rows: int, filters: dict | None = None
) -> None:
    """Write an export of personal data to Wagtail's audit log: who, when (the entry's own),
    what (`label`, e.g. "Lead inbox export"), the format, how many rows and which filters.

    No personal data: `filters` holds filter names and values the caller chose to keep (never
    a search term). The entry is on the exported model with object id 0, as it is about no
    one record, so erasing a person never removes the trace of an export."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id="0",
        label=label,
        action=EXPORT_ACTION,
        user=by if by is not None and by.is_authenticated else None,
        data={"format": export_format, "rows": rows, "filters": filters or {}},
        timestamp=timezone.now(),
    )


def person_export(*, email: str, by=None, label: str = "Privacy export") -> dict:
    """Everything held about this email address (`privacy.export`), the export written to
    the audit log: how many submissions it holds, never the address."""
    data = privacy.export(email)
    export_record(
        model=Contact,
        label=label,
        by=by,
        export_format="json",
        rows=len(data["submissions"]),
        filters={"person": "one email address (not recorded)"},
    )
    return data
