"""Review: what sales do with a lead. The workflow of statuses, assignment (with its notice to
the new owner), notes on a contact, and releasing a submission from quarantine.

Each change is logged in Wagtail's audit log. The admin screens (leads/admin/) call these; the
workflow is described in docs/leads.md ("The sales workspace").
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .. import audit, extension_points
from ..models import (
    Contact,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Note,
    Status,
    Submission,
)
from ..permissions import may_work_leads
from . import outbox
from .capture import contact_upsert, follow_up_create

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
        audit.STATUS_CHANGE,
        user=by,
        data={"from": previous, "to": to, "reason": reason},
    )
    # Other apps react in this transaction (mailings: a sequence enrols or lets go).
    extension_points.status_changed(submission=submission, old=previous, new=to, by=by)
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

    The owner must be able to work leads (`permissions.may_work_leads`)."""
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
        log(submission, audit.ASSIGN, user=by, data={"from": previous, "to": owner_id})
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
    outbox.send(deliveries)
    return deliveries


def submission_assign(*, submission: Submission, owner, by) -> Submission:
    submissions_assign(submissions=[submission], owner=owner, by=by)
    submission.refresh_from_db(fields=["owner"])
    return submission


@transaction.atomic
def submission_release(*, submission: Submission, by) -> Submission:
    """Not spam after all: attach the contact and run the normal follow-up."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Status.SPAM:
        raise ValidationError("Only quarantined submissions can be released.")
    filled = submission.form_version.filled if submission.form_version_id else None
    submission.contact = contact_upsert(
        submission.answers | {"email": submission.email}, filled=filled
    )
    submission.consent_records.update(contact=submission.contact)
    submission.status = Status.NEW
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["contact", "status", "status_changed_at"])
    log(
        submission,
        audit.STATUS_CHANGE,
        user=by,
        data={"from": Status.SPAM, "to": Status.NEW, "reason": "released from quarantine"},
    )
    existing = set(submission.deliveries.values_list("kind", flat=True))
    if not existing:
        follow_up_create(submission)
    extension_points.status_changed(submission=submission, old=Status.SPAM, new=Status.NEW, by=by)
    return submission


# Notes ------------------------------------------------------------------------------------


@transaction.atomic
def note_add(*, contact: Contact, text: str, by) -> Note:
    note = Note(contact=contact, author=by, text=text.strip())
    note.full_clean()
    note.save()
    log(contact, audit.NOTE_ADD, user=by, data={"note": note.pk})
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
    log(note.contact, audit.NOTE_EDIT, user=by, data={"note": note.pk})
    return note
