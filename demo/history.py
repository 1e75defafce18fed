"""What happened to the demo leads after they arrived: scores and hot-lead alerts, the
follow-up emails, subscriptions and downloads, the consent ledger, salespeople's notes and the
audit log. All dated in the past, and nothing is emailed or queued."""

import datetime
import random
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from wagtail.models import ModelLogEntry

from leads import audit, kinds, services
from leads.models import (
    ConsentRecord,
    ConsentSource,
    Contact,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DownloadEvent,
    Note,
    Status,
    Submission,
    Subscription,
    SubscriptionStatus,
)
from leads.services.capture import consent_wording
from leads.services.subscriptions import mailing_list_for

from . import fakes

# Of the people asked for an optional marketing consent (the quote form, the eBook), about this
# share tick it.
MARKETING_YES = 0.55


def demo_scores(contacts, now) -> None:
    """Score the demo contacts with the real rules, without alerting anyone.

    scores_recompute alerts (emails) the owner of each contact that turns hot, which seeding
    must not do. So each contact is first marked as already alerted, then scored; the mark is
    kept, with a sent hot-lead alert on record, only where the score did reach the threshold.
    """
    # A contact alerted before (a real one who also answered as a demo person) keeps its mark.
    contacts = [contact for contact in contacts if contact.hot_notified_at is None]
    latest = {}
    for submission in Submission.objects.filter(contact__in=contacts).order_by("received_at"):
        latest[submission.contact_id] = submission
    for contact in contacts:
        contact.hot_notified_at = latest[contact.pk].received_at + datetime.timedelta(minutes=5)
    fakes.backdate(contacts, "hot_notified_at")
    services.scores_recompute(contact_ids=[c.pk for c in contacts], now=now)
    cold = set(
        Contact.objects.filter(pk__in=[c.pk for c in contacts])
        .exclude(pk__in=Contact.objects.hot())
        .values_list("pk", flat=True)
    )
    Contact.objects.filter(pk__in=cold).update(hot_notified_at=None)
    alerts = [
        Delivery(
            submission=latest[contact.pk],
            kind=DeliveryKind.HOT_LEAD,
            status=DeliveryStatus.SENT,
            attempts=1,
            last_attempt_at=contact.hot_notified_at,
            done_at=contact.hot_notified_at,
        )
        for contact in contacts
        if contact.pk not in cold
    ]
    Delivery.objects.bulk_create(alerts, ignore_conflicts=True)
    Delivery.objects.filter(kind=DeliveryKind.HOT_LEAD, submission__in=latest.values()).update(
        created_at=F("done_at")
    )


def demo_follow_up(rng: random.Random, submissions: list[Submission]) -> None:
    """What the follow-up did for each lead (emails all sent, one now and then gave up),
    newsletter subscriptions, and downloads of the playbook; all dated in the past."""
    deliveries = []
    subscriptions = {}
    downloads = []
    lists = {}
    for submission in submissions:
        if submission.status == Status.SPAM:
            continue
        deliveries.extend(fakes.sent_deliveries(submission, rng))
        kind = kinds.get(submission.cta_kind)
        if kind.subscribes:
            if submission.cta_id not in lists:
                lists[submission.cta_id] = mailing_list_for(submission.cta).pk
            subscriptions.setdefault(
                (submission.contact_id, lists[submission.cta_id]),
                Subscription(
                    contact_id=submission.contact_id,
                    mailing_list_id=lists[submission.cta_id],
                    cta_id=submission.cta_id,
                    status=SubscriptionStatus.CONFIRMED,
                    requested_at=submission.received_at,
                    confirmed_at=submission.received_at + datetime.timedelta(minutes=20),
                ),
            )
        if kind.gated_document and rng.random() < 0.8:
            downloads.append(
                DownloadEvent(submission=submission, document_id=submission.cta.document_id)
            )
    Subscription.objects.bulk_create(subscriptions.values(), ignore_conflicts=True)
    deliveries = Delivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        delivery.created_at = delivery.submission.received_at
    DownloadEvent.objects.bulk_create(downloads)
    for download in downloads:
        download.downloaded_at = download.submission.received_at + datetime.timedelta(minutes=2)
    if deliveries and deliveries[0].pk is not None:  # backends with RETURNING
        fakes.backdate(deliveries, "created_at")
        fakes.backdate(downloads, "downloaded_at")


def demo_consents(rng: random.Random, submissions: list[Submission]) -> int:
    """The consent ledger as the forms wrote it: one record per consent question of each
    answered form, with its exact wording; a required consent was given (the form asked it),
    an optional one (marketing email on the quote form and the eBook) about half the time. A
    newsletter sign-up gives marketing consent: what makes its confirmed subscribers eligible
    for the newsletter (mailings/audience.py)."""
    records = []
    questions = {}
    for submission in submissions:
        if submission.status == Status.SPAM or submission.contact_id is None:
            continue
        cta = submission.cta
        if cta.pk not in questions:
            questions[cta.pk] = [
                (q, consent_wording(q.text or cta.consent)) for q in cta.question_set.consents
            ]
        for question, wording in questions[cta.pk]:
            records.append(
                ConsentRecord(
                    submission=submission,
                    contact_id=submission.contact_id,
                    source=ConsentSource.FORM,
                    purpose=question.purpose,
                    given=question.required or rng.random() < MARKETING_YES,
                    text=wording,
                    recorded_at=submission.received_at,
                )
            )
    ConsentRecord.objects.bulk_create(records)
    return len(records)


def demo_history(rng: random.Random, submissions: list[Submission], owners: list) -> None:
    """Notes on the leads being worked, and the audit-log entries of their assignments, status
    changes and notes (labels are "Submission #12", "Contact #3": no personal data)."""
    submission_type = ContentType.objects.get_for_model(Submission)
    contact_type = ContentType.objects.get_for_model(Contact)
    entries = []
    noted = {}
    for submission in submissions:
        if submission.owner_id:
            entries.append(
                ModelLogEntry(
                    content_type=submission_type,
                    object_id=str(submission.pk),
                    label=str(submission),
                    action=audit.ASSIGN,
                    data={"from": None, "to": submission.owner_id},
                    timestamp=submission.received_at + datetime.timedelta(minutes=30),
                    uuid=uuid.uuid4(),
                    user_id=submission.owner_id,
                )
            )
        if submission.status not in (Status.NEW, Status.SPAM):
            entries.append(fakes.status_log_entry(submission, submission_type))
        worked = submission.status in (Status.QUALIFIED, Status.HANDED_OFF, Status.WON)
        if worked and submission.owner_id and rng.random() < 0.5:
            noted.setdefault(submission.contact_id, submission)
    notes = [
        Note(contact_id=contact_id, author_id=submission.owner_id, text=rng.choice(fakes.NOTES))
        for contact_id, submission in noted.items()
    ]
    Note.objects.bulk_create(notes)
    notes = list(Note.objects.filter(contact_id__in=noted).order_by("pk"))
    for note in notes:
        written = noted[note.contact_id].status_changed_at or noted[note.contact_id].received_at
        note.created_at = note.updated_at = written
        entries.append(
            ModelLogEntry(
                content_type=contact_type,
                object_id=str(note.contact_id),
                label=f"Contact #{note.contact_id}",
                action=audit.NOTE_ADD,
                data={"note": note.pk},
                timestamp=written,
                uuid=uuid.uuid4(),
                user_id=note.author_id,
            )
        )
    fakes.backdate(notes, "created_at", "updated_at")
    ModelLogEntry.objects.bulk_create(entries)
