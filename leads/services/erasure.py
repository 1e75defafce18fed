"""Erasure: forget a person on request, and apply the retention policy daily.

Erasure leaves only anonymous counts. Submission rows are kept, scrubbed in place (analytics
still counts them: day, CTA, page, status, UTM source/medium/campaign); everything else about
the person is deleted: contact (with notes and subscriptions), deliveries, downloads,
task-queue rows and audit-log entries. One anonymous "leads.erase" entry is then logged on
each scrubbed submission (label "Submission #n", data {"cause": "request" | "retention"}), so
the history shows that an erasure happened and who did it, and nothing about the person.

What is held about a person is found by leads/privacy.py (reads only); docs/leads.md
("Privacy") has the policy.
"""

import contextlib
import datetime
import html
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from .. import audit, privacy, search
from ..models import (
    Attachment,
    Contact,
    Delivery,
    DownloadEvent,
    Note,
    Status,
    Submission,
    Subscription,
    Suppression,
)

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
        search.forget_erased(connection)
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
    attachments_delete(ids)
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
            action=audit.ERASE,
            data={"cause": cause},
            timestamp=now,
            user=by,
            uuid=action_uuid,
        )
        for submission in submissions
    )
    return len(submissions)


def attachments_delete(submission_ids: list[int]) -> None:
    """Delete the files these submissions' readers uploaded, and their rows. The files go
    first, inside the erasure's transaction: if the storage refuses, the erasure fails whole
    and can be run again, rather than leave a file behind that no row points to."""
    attachments = Attachment.objects.filter(submission_id__in=submission_ids)
    for attachment in attachments:
        attachment.file.delete(save=False)
    attachments.delete()


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
    """Delete these contacts, their notes and subscriptions (and, by cascade, the email sent to
    them and their sequence enrolments), and the audit-log entries on all of them (inside a
    transaction, once their submissions are scrubbed). Their suppressed addresses keep only
    the digest. Returns how many."""
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
    # A suppressed address stays suppressed by its digest, without the address itself.
    Suppression.objects.filter(
        email__in=Contact.objects.filter(pk__in=contact_ids).values("email")
    ).update(email="")
    deleted, _ = Contact.objects.filter(pk__in=contact_ids).delete()
    return len(contact_ids) if deleted else 0
