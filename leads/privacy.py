"""Privacy: find everything held about an email address, export it, and the retention policy.

Reads only. Erasure (on request or by the retention policy) writes, so it lives in
leads/services/erasure.py and uses the lookups defined here.

What "held about a person" means here:
- the Contact (matched on the normalised email), its notes and newsletter subscriptions;
- every submission of that contact, and every quarantined (spam) submission carrying the
  email as given (stored tidied, see leads/identity.py, and matched case-insensitively):
  quarantine has no contact;
- the deliveries (emails, webhooks) and downloads of those submissions;
- the task-queue rows (django-tasks-db) that name those deliveries: their arguments,
  results and tracebacks are about the person;
- Wagtail audit-log entries on any of these objects (their data holds staff-typed reasons).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, Lower, Trim
from django.utils import timezone
from wagtail.models import ModelLogEntry

from . import extension_points
from .models import (
    Contact,
    Delivery,
    DownloadEvent,
    Note,
    Status,
    Submission,
    Subscription,
    Suppression,
    email_digest,
    normalise_email,
)

# Queue rows of these tasks name deliveries in their arguments (see leads/tasks.py). Paths, not
# imports: the services use this module, and services never import the tasks (the tasks import
# them). tests/leads/services/test_privacy.py checks that these are the tasks' paths.
DELIVERY_TASK_PATHS = ("leads.tasks.deliver", "leads.tasks.deliver_follow_up")


@dataclass
class PersonData:
    """Everything held about one email address (querysets and lists, evaluated once)."""

    email: str
    contact: Contact | None
    submissions: list[Submission]
    notes: list[Note]
    subscriptions: list[Subscription]
    deliveries: list[Delivery]
    downloads: list[DownloadEvent]
    log_entries: list[ModelLogEntry]
    task_result_ids: list = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many of each: what the admin shows and what erasure reports."""
        return {
            "contacts": int(self.contact is not None),
            "submissions": len(self.submissions),
            "quarantined submissions": sum(s.status == Status.SPAM for s in self.submissions),
            "notes": len(self.notes),
            "newsletter subscriptions": len(self.subscriptions),
            "deliveries": len(self.deliveries),
            "downloads": len(self.downloads),
            "audit-log entries": len(self.log_entries),
            "task-queue records": len(self.task_result_ids),
        }

    @property
    def is_empty(self) -> bool:
        return self.contact is None and not self.submissions


def submissions_with_email(email: str) -> QuerySet[Submission]:
    """Live submissions of the person: their contact's, and quarantined ones with the email as
    given (any spelling of the mailbox: see leads/identity.py). Erased rows hold no email any
    more."""
    normalised = normalise_email(email)
    return (
        Submission.objects.live()
        .alias(email_normalised=Lower(Trim("email")))
        .filter(Q(contact__email=normalised) | Q(email_normalised=normalised))
    )


def find(email: str) -> PersonData:
    """Everything held about this email address."""
    normalised = normalise_email(email)
    contact = Contact.objects.with_email(normalised).first()
    submissions = list(
        submissions_with_email(normalised)
        .select_related("consent", "cta", "page", "owner")
        .order_by("received_at", "pk")
    )
    submission_ids = [s.pk for s in submissions]
    notes = list(contact.notes.order_by("created_at", "pk")) if contact else []
    subscriptions = (
        list(
            contact.subscriptions.select_related("mailing_list", "cta").order_by(
                "requested_at", "pk"
            )
        )
        if contact
        else []
    )
    deliveries = list(
        Delivery.objects.filter(submission_id__in=submission_ids).order_by("created_at", "pk")
    )
    downloads = list(
        DownloadEvent.objects.filter(submission_id__in=submission_ids)
        .select_related("document")
        .order_by("downloaded_at", "pk")
    )
    log_entries = log_entries_on(
        {
            Contact: [contact.pk] if contact else [],
            Submission: submission_ids,
            Note: [n.pk for n in notes],
            Subscription: [s.pk for s in subscriptions],
            Delivery: [d.pk for d in deliveries],
            DownloadEvent: [d.pk for d in downloads],
        }
    )
    return PersonData(
        email=normalised,
        contact=contact,
        submissions=submissions,
        notes=notes,
        subscriptions=subscriptions,
        deliveries=deliveries,
        downloads=downloads,
        log_entries=list(log_entries.order_by("timestamp", "pk")),
        task_result_ids=task_results_for({d.pk for d in deliveries}),
    )


def log_entries_on(targets: dict) -> QuerySet[ModelLogEntry]:
    """Wagtail audit-log entries recorded on these objects: {model: [ids]}."""
    condition = Q(pk__in=[])
    for model, ids in targets.items():
        if ids:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            condition |= Q(content_type=content_type, object_id__in=[str(pk) for pk in ids])
    return ModelLogEntry.objects.filter(condition)


def task_results_for(delivery_ids: set[int]) -> list:
    """Ids of task-queue rows (django-tasks-db) whose arguments name one of these deliveries.

    The arguments are JSON (`deliver(id)`, `deliver_follow_up([ids])`), read in Python because
    JSON containment differs between databases; only our own delivery tasks are read.
    """
    if not delivery_ids:
        return []
    from django_tasks_db.models import DBTaskResult

    found = []
    rows = DBTaskResult.objects.filter(task_path__in=DELIVERY_TASK_PATHS).values_list(
        "pk", "args_kwargs"
    )
    for pk, args_kwargs in rows.iterator(chunk_size=2000):
        if delivery_ids & set(integers_in(args_kwargs)):
            found.append(pk)
    return found


def integers_in(value):
    """Every integer in a JSON value, however nested."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from integers_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from integers_in(item)


# Export ------------------------------------------------------------------------------------


def export(email: str) -> dict:
    """Everything held about this email address as a JSON-ready dict (ISO 8601 dates): what a
    person gets when they ask for their data."""
    data = find(email)
    contact = data.contact
    deliveries: dict[int, list] = {}
    for delivery in data.deliveries:
        deliveries.setdefault(delivery.submission_id, []).append(
            {
                "kind": delivery.kind,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "created_at": iso(delivery.created_at),
                "done_at": iso(delivery.done_at),
            }
        )
    downloads: dict[int, list] = {}
    for download in data.downloads:
        downloads.setdefault(download.submission_id, []).append(
            {
                "document": download.document.title if download.document else "",
                "downloaded_at": iso(download.downloaded_at),
            }
        )
    return {
        "email": data.email,
        "exported_at": iso(timezone.now()),
        "contact": contact_as_dict(contact) if contact else None,
        "notes": [
            {"text": n.text, "created_at": iso(n.created_at), "updated_at": iso(n.updated_at)}
            for n in data.notes
        ],
        "newsletter_subscriptions": [
            {
                "newsletter": s.mailing_list.name,
                "joined_through": s.cta.title if s.cta else "",
                "status": s.status,
                "requested_at": iso(s.requested_at),
                "confirmed_at": iso(s.confirmed_at),
                "unsubscribed_at": iso(s.unsubscribed_at),
            }
            for s in data.subscriptions
        ],
        "submissions": [
            submission_as_dict(s, deliveries.get(s.pk, []), downloads.get(s.pk, []))
            for s in data.submissions
        ],
        "history": [
            {
                "timestamp": iso(entry.timestamp),
                "action": entry.action,
                "object": entry.label,
                "data": entry.data,
            }
            for entry in data.log_entries
        ],
        "suppressed": [
            {"reason": s.reason, "source": s.source, "suppressed_at": iso(s.created_at)}
            for s in Suppression.objects.filter(digest=email_digest(data.email))
        ],
        # What other apps hold about the contact (mailings: the email sent to them).
        **(extension_points.privacy_export(contact=contact) if contact else {}),
    }


def contact_as_dict(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "email": contact.email,
        "name": contact.name,
        "company": contact.company,
        "phone": contact.phone,
        "job_title": contact.job_title,
        "first_seen": iso(contact.created_at),
        "last_updated": iso(contact.updated_at),
        "unsubscribed_at": iso(contact.unsubscribed_at),
        "score": contact.score,
        "score_explanation": contact.score_explanation,
    }


def submission_as_dict(submission: Submission, deliveries: list, downloads: list) -> dict:
    return {
        "id": submission.pk,
        "received_at": iso(submission.received_at),
        "email_as_given": submission.email,
        "call_to_action": submission.cta_title,
        "cta_kind": submission.cta_kind,
        "page": submission.page_title,
        "page_url": page_url(submission.page),
        "answers": submission.answers,
        "consent": {
            "given": submission.consent_given,
            "text_shown": submission.consent_text,
            "at": iso(submission.consent_at),
        },
        "attribution": submission.attribution(),
        "status": submission.status,
        "status_reason": submission.status_reason,
        "status_changed_at": iso(submission.status_changed_at),
        "spam_reasons": submission.spam_reasons,
        "emails_and_webhooks": deliveries,
        "downloads": downloads,
    }


def page_url(page) -> str:
    """The page's address on the site as visitors know it (SITE_URL), not as the Wagtail site
    record's hostname and port spell it (often "localhost:80" on a server)."""
    parts = page.get_url_parts() if page is not None else None
    if not parts:
        return ""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + parts[2]


def iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


# Retention ---------------------------------------------------------------------------------

DEFAULT_KEY = "default"
RETENTION_PART = re.compile(r"^([a-z_]+)=(\d+)$")


def parse_retention(value: str) -> dict[str, int]:
    """`"spam=90,disqualified=90,default=1095"` → days to keep a submission, per status;
    `"default"` covers the statuses not named. `"off"` or empty: keep everything.
    Bad syntax or an unknown status fails at boot (see LeadsConfig.ready)."""
    value = (value or "").strip().lower()
    if value in {"", "off", "0", "false", "no"}:
        return {}
    known = {*Status.values, DEFAULT_KEY}
    policy = {}
    for part in value.split(","):
        match = RETENTION_PART.match(part.strip())
        if not match or match.group(1) not in known or int(match.group(2)) < 1:
            raise ImproperlyConfigured(
                f"LEAD_RETENTION_DAYS: cannot read {part.strip()!r}; write e.g. "
                "'spam=90,disqualified=90,default=1095' (days, at least 1; statuses: "
                f"{', '.join(Status.values)}, default) or 'off'."
            )
        policy[match.group(1)] = int(match.group(2))
    return policy


def retention_policy() -> dict[str, int]:
    return parse_retention(settings.LEAD_RETENTION_DAYS)


def expired_submissions(policy: dict[str, int], now=None) -> QuerySet[Submission]:
    """Live submissions kept longer than the policy allows for their status.

    Age counts from the last status change, else from receipt: a lead disqualified after a
    year of talks is kept the disqualified period from that decision, not from its first form.
    """
    now = now or timezone.now()
    condition = Q(pk__in=[])
    named = [status for status in policy if status != DEFAULT_KEY]
    for status in named:
        cutoff = now - datetime.timedelta(days=policy[status])
        condition |= Q(status=status, last_activity__lt=cutoff)
    if DEFAULT_KEY in policy:
        cutoff = now - datetime.timedelta(days=policy[DEFAULT_KEY])
        condition |= ~Q(status__in=named) & Q(last_activity__lt=cutoff)
    return (
        Submission.objects.live()
        .alias(last_activity=Coalesce("status_changed_at", "received_at"))
        .filter(condition)
    )


def contacts_without_live_submissions(*, ignoring=None) -> QuerySet[Contact]:
    """Contacts no live submission keeps (ignoring these submissions, about to be erased)."""
    keeping = Submission.objects.live().filter(contact__isnull=False)
    if ignoring is not None:
        keeping = keeping.exclude(pk__in=ignoring.values("pk"))
    return Contact.objects.exclude(pk__in=keeping.values("contact_id"))
