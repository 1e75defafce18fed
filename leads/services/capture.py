"""Capture: store one answer to a call to action, deduplicated, and write its follow-up.

The public form's whole write path: the contact, the webinar seat, the consent wording, the
submission and its deliveries, in one transaction. The follow-up (`follow_up_create`) is only
written here; the outbox has it sent once the lead commits (leads/services/outbox.py).
See docs/leads.md for the capture rules.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from wagtail.models import Page

from .. import cleaning, kinds, memo, rows, uploads
from ..capture import spam
from ..capture.attribution import Attribution
from ..capture.tokens import FormToken, read_form_token
from ..capture.visit import Visit
from ..models import (
    Attachment,
    CallToAction,
    ConsentRecord,
    ConsentText,
    Contact,
    Delivery,
    DeliveryKind,
    FormVersion,
    LeadSettings,
    Status,
    Submission,
    SubscriptionStatus,
    normalise_email,
)
from ..models.cta import consent_version as wording_version
from ..questions import properties
from ..questions.definition import Question, QuestionSet
from ..questions.hidden import hidden_answers
from . import outbox
from .subscriptions import subscription_request

# What the fixed forms' answers filled on the contact (leads from before the form builder).
LEGACY_FILLED = {"name": "name", "company": "company", "phone": "phone", "job_title": "job_title"}


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


def lead_capture(
    *,
    cta: CallToAction,
    data: Mapping,
    answers: dict,
    visit: Visit,
    consents: list[tuple[Question, bool]] = (),
    files: Mapping | None = None,
) -> CaptureResult:
    """The capture use case: what a valid form posted to a CTA becomes. The submit view calls
    it, and so should anything else that captures a lead (tests, demo data).

    `data` is the form's cleaned data (its token, honeypot, first touch), `answers` what the
    reader answered (`LeadForm.answers`), `consents` each consent question shown with whether
    it was given (`LeadForm.consents`), `files` the uploaded files by question (`LeadForm.uploads`),
    `visit` what the view read off the request. Hidden questions are answered here, from the
    visit.
    Refuses an expired form (FormExpired) and a rate-limited sender (RateLimited); otherwise
    classifies spam, finds the page the form was on, reads the attribution and stores the lead
    (raising WebinarFull when a webinar has no seat left): see `submission_capture`.
    """
    token = read_form_token(data["token"], cta.pk)
    if token.valid and token.expired:
        raise FormExpired(token)
    if visit.ip is not None and spam.rate_limited(ip=visit.ip, email=answers["email"]):
        raise RateLimited
    questions = cta.question_set
    page = page_for_submission(token.page_id)
    attribution = Attribution.for_visit(
        visit,
        first_landing=data["first_landing"],
        first_referrer=data["first_referrer"],
        posted_from=data["posted_from"],
        campaign=token.campaign,  # a landing page's, when the visit's URLs name none
    )
    answers = answers | hidden_answers(
        questions, attribution=attribution, page_title=page.title if page else ""
    )
    return submission_capture(
        cta=cta,
        answers=answers,
        # The CTA's own wording: ticked where a box shows it, else shown as a notice.
        consent_given=all(given for q, given in consents if not q.text),
        consent_version=token.consent_version,
        consents=consents,
        files=files,
        page=page,
        attribution=attribution,
        nonce=token.nonce,
        spam_reasons=spam.spam_reasons(
            data=screened(questions, answers), token=token, honeypot=data["website"]
        ),
    )


def screened(questions: QuestionSet, answers: dict) -> dict:
    """The answers as the spam checks read them: by the contact property they fill (a "Full
    name" question is checked as the name), and every long text as the message."""
    by_property = {
        key: answers[name] for name, key in questions.filled_properties.items() if name in answers
    }
    messages = [
        str(answers.get(q.name) or "") for q in questions.questions if q.type == "long_text"
    ]
    return {**answers, **by_property, "message": "\n".join(filter(None, messages))}


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
    consents: list[tuple[Question, bool]] = (),
    files: Mapping | None = None,
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
    questions = cta.question_set
    version = form_version_for(questions)
    ledger = [
        ConsentRecord(purpose=q.purpose, given=given, text=consent_wording(q.text or cta.consent))
        for q, given in consents
    ]
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
        form_version_id=version,
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
        exclude=["contact", "page", "cta", "consent", "form_version", "referrer", "landing_page"],
        validate_unique=False,
        validate_constraints=False,
    )
    # Files first, outside the transaction (storage is not transactional): an attempt that
    # stores no submission deletes what it wrote.
    attachments = attachments_store(files or {}, now)
    try:
        with transaction.atomic():
            if not spam_reasons and cta.kind_entry.holds_seats:
                reserve_seat(cta, email=answers["email"])
            if not spam_reasons:
                submission.contact = contact_upsert(answers, filled=questions.filled_properties)
            rows.insert([submission])
            for record in ledger:
                record.submission, record.contact, record.recorded_at = (
                    submission,
                    submission.contact,
                    now,
                )
            rows.insert(ledger)
            for attachment in attachments:
                attachment.submission = submission
            Attachment.objects.bulk_create(attachments)
            deliveries = [] if spam_reasons else follow_up_create(submission, send_webhook)
    except IntegrityError:
        attachments_discard(attachments)
        # Already stored: a double click, a refresh of the POST or a replay (possibly by a
        # concurrent request). The unique key rolled this attempt back whole.
        existing = Submission.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return CaptureResult(existing, created=False)
    except BaseException:
        attachments_discard(attachments)
        raise
    return CaptureResult(submission, created=True, deliveries=deliveries)


def attachments_store(files: Mapping, now) -> list[Attachment]:
    """Write each uploaded file to private storage under a random name; unsaved rows for them."""
    stored = []
    try:
        for question, upload in files.items():
            attachment = Attachment(
                question=question, name=uploads.clean_name(upload.name), size=upload.size
            )
            attachment.uploaded_at = now
            attachment.file.save(upload.name, upload, save=False)
            stored.append(attachment)
    except BaseException:
        attachments_discard(stored)
        raise
    return stored


def attachments_discard(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        attachment.file.delete(save=False)


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
    """Keep the CTA's current consent wordings and the version of its questions (called when a
    CTA is saved)."""
    ConsentText.objects.get_or_create(version=cta.consent_version, defaults={"text": cta.consent})
    for question in cta.question_set.consents:
        consent_wording(question.text or cta.consent)
    form_version_for(cta.question_set)


def consent_wording(text: str) -> ConsentText:
    """The ledger's entry for a consent question's exact wording, created the first time."""
    version = wording_version(text)

    def load():
        return ConsentText.objects.get_or_create(version=version, defaults={"text": text})[0]

    return memo.consent_texts.get(version, load)


def form_version_for(questions: QuestionSet) -> str:
    """The version of a form's questions, kept (once) with their labels for the submissions
    that answer them."""

    def load():
        FormVersion.objects.get_or_create(
            version=questions.version, defaults={"questions": questions.vocabulary()}
        )
        return questions.version

    return memo.form_versions.get(questions.version, load)


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


def contact_upsert(answers: dict, *, filled: dict[str, str] | None = None) -> Contact:
    """The contact for this email, created if new, with the details given last.

    `filled` maps question names to the contact properties they fill (the fixed forms' for
    older answers). One INSERT ... ON CONFLICT (email) DO UPDATE: atomic under any concurrency
    (one contact per person), no savepoint, and only the details given now are overwritten, so
    an empty answer never erases a known value; other properties are merged into the known
    ones. The returned object carries the id and what was given.
    """
    columns, extra = properties.contact_details(
        answers, LEGACY_FILLED if filled is None else filled
    )
    contact = Contact(email=normalise_email(answers["email"]), properties=extra, **columns)
    update = [*columns, "updated_at"]
    rows.upsert(
        contact,
        unique=["email"],
        update=update,
        merge=["properties"] if extra else [],
        returning=["reference"],  # a new contact's, or the known one's (recognition.py)
    )
    return contact


def follow_up_create(submission: Submission, send_webhook: bool | None = None) -> list[Delivery]:
    """The side effects of an accepted submission: written now, in the caller's transaction,
    and sent by the outbox once it commits."""
    due = [DeliveryKind.NOTIFICATION]
    if kinds.get(submission.cta_kind).subscribes:
        subscription = subscription_request(submission)
        if subscription.status != SubscriptionStatus.CONFIRMED:
            due.append(DeliveryKind.OPT_IN)
    else:
        due.append(DeliveryKind.CONFIRMATION)
    if send_webhook is None:
        send_webhook = bool(LeadSettings.current().webhook_url)
    if send_webhook:
        due.append(DeliveryKind.WEBHOOK)
    deliveries = [Delivery(submission=submission, kind=kind) for kind in due]
    rows.insert(deliveries)
    outbox.send(deliveries)
    return deliveries
