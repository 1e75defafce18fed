"""What happened to invented leads after they arrived: review statuses and their reasons,
salespeople's notes, audit-log entries and the follow-up emails already sent."""

import datetime
import random
import uuid

from django.utils import timezone
from wagtail.models import ModelLogEntry

from leads import audit, kinds
from leads.models import Delivery, DeliveryKind, DeliveryStatus, Status, Submission

DISQUALIFY_REASONS = [
    "No budget this year",
    "Student project",
    "Competitor doing research",
    "Outside our service area",
    "Newsletter reader only, no buying intent",
]
LOST_REASONS = ["Chose another vendor", "Project postponed", "Went with an in-house build"]
NOTES = [
    "Called on Tuesday: evaluating two vendors, decision in March.",
    "Asked for a case study in their industry; sent the logistics one.",
    "Budget confirmed by their finance team. Wants a call with a consultant.",
    "Left a voicemail, will try again Thursday.",
    "Met at the webinar Q&A; very engaged, asked about CRM sync.",
    "Prefers email over calls. Follow up after their board meeting.",
]


def status_for(rng: random.Random, age_days: float) -> tuple[str, str]:
    """A plausible review status (and reason) for a lead received `age_days` ago: the newest
    wait in the review queue, older ones have moved along the workflow."""
    if age_days < 3:
        choices = [(Status.NEW, 8), (Status.IN_REVIEW, 2)]
    elif age_days < 14:
        choices = [
            (Status.NEW, 3),
            (Status.IN_REVIEW, 3),
            (Status.QUALIFIED, 3),
            (Status.DISQUALIFIED, 2),
        ]
    else:
        choices = [
            (Status.NEW, 1),
            (Status.IN_REVIEW, 1),
            (Status.QUALIFIED, 3),
            (Status.DISQUALIFIED, 3),
            (Status.HANDED_OFF, 2),
            (Status.WON, 1),
            (Status.LOST, 1),
        ]
    statuses, weights = zip(*choices, strict=True)
    status = rng.choices(statuses, weights)[0]
    if status == Status.DISQUALIFIED:
        return status, rng.choice(DISQUALIFY_REASONS)
    if status == Status.LOST:
        return status, rng.choice(LOST_REASONS)
    return status, ""


def reviewed_at(rng: random.Random, received_at: datetime.datetime) -> datetime.datetime:
    """When sales moved a lead on: within three days of its arrival, never in the future."""
    return min(received_at + datetime.timedelta(hours=rng.uniform(1, 72)), timezone.now())


def status_log_entry(submission: Submission, content_type, *, user_id=None) -> ModelLogEntry:
    """The audit-log entry services.submission_set_status writes, dated when it happened.

    The label is the submission's str(): "Submission #12", never personal data."""
    return ModelLogEntry(
        content_type=content_type,
        object_id=str(submission.pk),
        label=str(submission),
        action=audit.STATUS_CHANGE,
        data={"from": Status.NEW, "to": submission.status, "reason": submission.status_reason},
        timestamp=submission.status_changed_at,
        uuid=uuid.uuid4(),
        user_id=user_id if user_id is not None else submission.owner_id,
    )


def reader_delivery(kind: str) -> DeliveryKind:
    """The email a reader of this CTA kind gets: the opt-in of a subscription, or a
    confirmation (as leads.services.follow_up_create decides)."""
    return DeliveryKind.OPT_IN if kinds.get(kind).subscribes else DeliveryKind.CONFIRMATION


def sent_deliveries(submission: Submission, rng: random.Random) -> list[Delivery]:
    """The follow-up a lead got, already done: the staff notification and the reader's email.
    Now and then the reader's email gave up, so the contact page has a retry to show."""
    done = submission.received_at + datetime.timedelta(seconds=rng.uniform(2, 60))
    reader_kind = reader_delivery(submission.cta_kind)
    failed = rng.random() < 0.05
    return [
        Delivery(
            submission=submission,
            kind=DeliveryKind.NOTIFICATION,
            status=DeliveryStatus.SENT,
            attempts=1,
            last_attempt_at=done,
            done_at=done,
        ),
        Delivery(
            submission=submission,
            kind=reader_kind,
            status=DeliveryStatus.GAVE_UP if failed else DeliveryStatus.SENT,
            attempts=8 if failed else 1,
            last_error="SMTPRecipientsRefused" if failed else "",
            last_attempt_at=done,
            done_at=None if failed else done,
        ),
    ]
