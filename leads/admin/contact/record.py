"""Everything on a contact's page, read in a fixed number of queries.

Details, score, first and latest touch, consent records, and a timeline of every submission,
download, email or webhook, status change, assignment and note. Reads are batched so the page
costs the same however long the history is.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.utils.functional import cached_property
from wagtail.models import ModelLogEntry

from ... import audit, extension_points
from ...answers import PURPOSE_LABELS, property_rows, purpose_label, submission_answers
from ...audit import status_label
from ...models import ConsentRecord, Contact, Delivery, DownloadEvent, Note, Submission
from ...permissions import lead_workers
from ...staff import user_label


@dataclass
class TimelineItem:
    at: datetime.datetime
    kind: str  # submission, download, delivery, status_change, assign, note, log
    who: str
    obj: object = None
    submission: Submission | None = None
    entry: ModelLogEntry | None = None
    rows: list[tuple[str, str]] = field(default_factory=list)  # label, value
    # Another app's item (leads/extension_points.py): the template of its one-line title.
    template: str = ""


@dataclass
class ContactRecord:
    """Everything on the contact page, read in a fixed number of queries."""

    contact: Contact
    submissions: list[Submission]
    notes: list[Note]
    subscriptions: list
    log_entries: list[ModelLogEntry]
    submission_type_id: int
    consent_records: list[ConsentRecord] = field(default_factory=list)
    users: dict = field(default_factory=dict)
    extra_items: list[TimelineItem] = field(default_factory=list)  # other apps' events

    @classmethod
    def load(cls, contact: Contact) -> "ContactRecord":
        submissions = list(
            contact.submissions.live()
            # The form version gives each submission's answers their labels: one join, not a
            # query per submission.
            .select_related("consent", "owner", "form_version")
            .prefetch_related(
                Prefetch("deliveries", queryset=Delivery.objects.order_by("created_at", "pk")),
                Prefetch("downloads", queryset=DownloadEvent.objects.select_related("document")),
                "attachments",
            )
            .order_by("-received_at", "-pk")
        )
        submission_type = ContentType.objects.get_for_model(Submission)
        contact_type = ContentType.objects.get_for_model(Contact)
        log_entries = list(
            ModelLogEntry.objects.filter(
                Q(content_type=submission_type, object_id__in=[str(s.pk) for s in submissions])
                | Q(content_type=contact_type, object_id=str(contact.pk))
            )
            .exclude(action=audit.NOTE_ADD)  # the note itself is on the timeline
            .select_related("user")
        )
        user_ids = {
            entry.data.get(key)
            for entry in log_entries
            if entry.action == audit.ASSIGN
            for key in ("from", "to")
        } - {None}
        return cls(
            contact=contact,
            submissions=submissions,
            notes=list(contact.notes.select_related("author")),
            subscriptions=list(contact.subscriptions.select_related("cta")),
            log_entries=log_entries,
            submission_type_id=submission_type.pk,
            users=get_user_model().objects.in_bulk(user_ids) if user_ids else {},
            consent_records=list(
                contact.consent_records.filter(submission__erased_at__isnull=True).select_related(
                    "text"
                )
            ),
            extra_items=extension_points.contact_timeline(contact=contact),
        )

    @cached_property
    def first_submission(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    @cached_property
    def latest_submission(self) -> Submission | None:
        return self.submissions[0] if self.submissions else None

    @cached_property
    def first_touch(self) -> list[tuple[str, str]]:
        """The landing page, referrer and campaign of the visit that first brought them."""
        first = self.first_submission
        if first is None:
            return []
        touch = first.first_touch or {
            "landing_page": first.landing_page,
            "referrer": first.referrer,
        }
        return touch_rows(touch)

    @cached_property
    def latest_touch(self) -> list[tuple[str, str]]:
        latest = self.latest_submission
        if latest is None:
            return []
        return touch_rows(
            {
                "landing_page": latest.landing_page,
                "referrer": latest.referrer,
                **{key: getattr(latest, key) for key in UTM_LABELS},
            }
        )

    @cached_property
    def properties(self) -> list[tuple[str, str]]:
        """The contact's other details (company size, industry...) under their labels."""
        return property_rows(self.contact)

    @cached_property
    def consent_ledger(self) -> list[dict]:
        """Each purpose given or refused, newest first, with the exact wording shown."""
        by_id = {s.pk: s for s in self.submissions}
        order = list(PURPOSE_LABELS)
        records = sorted(
            self.consent_records,
            key=lambda r: (
                -r.recorded_at.timestamp(),
                -(r.submission_id or 0),  # none: a change made from an email's links
                order.index(r.purpose) if r.purpose in order else len(order),
            ),
        )
        return [
            {
                "purpose": purpose_label(record.purpose),
                "given": record.given,
                "at": record.recorded_at,
                "text": record.text.text,
                "submission": by_id.get(record.submission_id),
                "source": record.get_source_display(),
            }
            for record in records
        ]

    @cached_property
    def submissions_without_ledger(self) -> list[Submission]:
        """Submissions from before consent was kept by purpose: their single consent box."""
        recorded = {record.submission_id for record in self.consent_records}
        return [s for s in self.submissions if s.pk not in recorded]

    def user_name(self, user_id) -> str:
        if not user_id:
            return "Unassigned"
        user = self.users.get(user_id)
        return user_label(user) if user else f"user #{user_id}"

    @cached_property
    def timeline(self) -> list[TimelineItem]:
        """Every event, newest first."""
        person = self.contact.name or "The contact"
        by_id = {str(s.pk): s for s in self.submissions}
        items = []
        for submission in self.submissions:
            answers = submission_answers(submission)
            items.append(
                TimelineItem(
                    submission.received_at,
                    "submission",
                    person,
                    submission,
                    submission,
                    rows=answers,
                )
            )
            for download in submission.downloads.all():
                items.append(
                    TimelineItem(download.downloaded_at, "download", person, download, submission)
                )
            for delivery in submission.deliveries.all():
                at = delivery.done_at or delivery.last_attempt_at or delivery.created_at
                items.append(TimelineItem(at, "delivery", "System", delivery, submission))
        for entry in self.log_entries:
            kind = {audit.STATUS_CHANGE: "status_change", audit.ASSIGN: "assign"}.get(
                entry.action, "log"
            )
            if kind == "assign":
                entry.change = (
                    self.user_name(entry.data.get("from")),
                    self.user_name(entry.data.get("to")),
                )
            elif kind == "status_change":
                entry.change = (
                    status_label(entry.data.get("from")),
                    status_label(entry.data.get("to")),
                )
            items.append(
                TimelineItem(
                    entry.timestamp,
                    kind,
                    entry.user_display_name,
                    entry=entry,
                    submission=by_id.get(entry.object_id)
                    if entry.content_type_id == self.submission_type_id
                    else None,
                )
            )
        for note in self.notes:
            items.append(TimelineItem(note.created_at, "note", user_label(note.author), note))
        items.extend(self.extra_items)
        # Newest first; within one instant, effects above their cause (a delivery above the
        # submission it follows up), as if they came a moment later; other apps' events
        # come with the log entries.
        order = ["note", "log", "assign", "status_change", "delivery", "download", "submission"]
        rank = {kind: -index for index, kind in enumerate(order)}
        items.sort(key=lambda item: (item.at, rank.get(item.kind, rank["log"])), reverse=True)
        return items


UTM_LABELS = {
    "utm_source": "UTM source",
    "utm_medium": "UTM medium",
    "utm_campaign": "UTM campaign",
    "utm_term": "UTM term",
    "utm_content": "UTM content",
}
TOUCH_LABELS = {"landing_page": "Landing page", "referrer": "Referrer", **UTM_LABELS}


def touch_rows(touch: dict) -> list[tuple[str, str]]:
    """Label and value of each known attribution field, in a fixed order; visitor-supplied
    text, so templates show it escaped and never as a link."""
    return [(label, str(touch.get(key) or "")) for key, label in TOUCH_LABELS.items()]


def assignable_users() -> list[tuple[int, str]]:
    return [(user.pk, user_label(user)) for user in lead_workers()]


def explanation_rows(explanation) -> list[tuple[str, str]]:
    """[label, points] pairs as "+40" / "-6" (shown with a real minus sign, as in the issue)."""
    rows = []
    for item in explanation or []:
        try:
            label, points = item[0], round(float(item[1]))
        except (TypeError, ValueError, IndexError):
            continue
        rows.append((str(label), f"+{points}" if points >= 0 else f"\u2212{-points}"))
    return rows
