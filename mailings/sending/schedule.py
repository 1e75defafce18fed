"""What becomes due: broadcasts whose time has come, people a sequence enrols, the next step
of each enrolment, and webinar reminders. Each is written as `Send` rows (or enrolments), which
unique keys make exist once however many workers do this at the same moment; the dispatcher
(dispatch.py) then sends the rows.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from leads import kinds
from leads.models import CallToAction, Contact, Status, Submission

from .. import audience
from ..models import (
    Broadcast,
    BroadcastStatus,
    Enrolment,
    EnrolmentStatus,
    ReminderOffset,
    Send,
    SendKind,
    SendStatus,
    Sequence,
    SequenceTrigger,
)

REMINDERS = {
    ReminderOffset.DAY: datetime.timedelta(days=1),
    ReminderOffset.HOUR: datetime.timedelta(hours=1),
}
# Submissions are looked at again this far back at each scan: one committed late (its
# transaction began before the previous scan) is still enrolled.
SCAN_OVERLAP = datetime.timedelta(minutes=10)
MOVED = "the webinar moved"  # why a reminder for an earlier start time was cancelled


def uuid_sql() -> str:
    """SQL for a random UUID in each row, as Django stores UUIDs on this database."""
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"  # 32 hex digits, as Django keeps UUIDs on SQLite


def sends_insert(contacts, *, kind: str, due_at, **source) -> int:
    """Queue one send per contact of the queryset, in one INSERT ... SELECT; a send that
    exists already (same broadcast, step or reminder) is left alone. Returns how many were
    queued. The rows get their random reference when a worker claims them (dispatch.claim):
    100,000 random keys written into the unique index at once cost a fifth of a broadcast's
    start."""
    columns = {
        "kind": kind,
        "status": SendStatus.QUEUED,
        "skip_reason": "",
        "due_at": due_at,
        "attempts": 0,
        "last_error": "",
        "message_id": "",
        "reminder": "",
        **source,
    }
    # No ORDER BY (a contact's default ordering would sort the whole audience for nothing).
    recipients = contacts.annotate(recipient_id=F("pk")).values("recipient_id").order_by()
    select_sql, select_params = recipients.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(Send._meta.get_field(n).column) for n in columns)
    values = []
    for name, value in columns.items():
        field = Send._meta.get_field(name)
        values.append(field.get_db_prep_save(value, connection))
    placeholders = ", ".join(["%s"] * len(values))
    table = connection.ops.quote_name(Send._meta.db_table)
    sql = (
        # Every name is quoted by the backend and every value is a parameter.
        f"INSERT INTO {table} (contact_id, {names}) "  # noqa: S608
        f"SELECT recipient.recipient_id, {placeholders} "
        f"FROM ({select_sql}) AS recipient "
        "WHERE true ON CONFLICT DO NOTHING"  # WHERE: SQLite's upsert after a SELECT needs one
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL would compile this one-off statement (JIT): a second of CPU at 100,000
            # recipients, more than running it takes.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, [*values, *select_params])
        return cursor.rowcount


def broadcasts_start(now: datetime.datetime) -> list[Broadcast]:
    """Start every broadcast whose time has come: its recipients become queued sends, in the
    same transaction as its move to "sending", so a broadcast is started once."""
    started = []
    due = Broadcast.objects.filter(status=BroadcastStatus.SCHEDULED, scheduled_for__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            broadcast = (
                # of=self: PostgreSQL locks no row of a nullable join (list, segment).
                Broadcast.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("mailing_list", "segment")
                .filter(pk=pk, status=BroadcastStatus.SCHEDULED)
                .first()
            )
            if broadcast is None:  # another worker has it
                continue
            count = sends_insert(
                audience.broadcast_recipients(broadcast),
                kind=SendKind.BROADCAST,
                due_at=now,
                broadcast_id=broadcast.pk,
            )
            broadcast.status = BroadcastStatus.SENDING
            broadcast.started_at = now
            broadcast.audience_size = count
            broadcast.save(update_fields=["status", "started_at", "audience_size"])
            started.append(broadcast)
    return started


def broadcasts_finish(now: datetime.datetime) -> int:
    """Mark sent the broadcasts that have nothing left to send."""
    open_statuses = [SendStatus.QUEUED, SendStatus.SENDING, SendStatus.FAILED]
    busy = Send.objects.filter(broadcast=OuterRef("pk"), status__in=open_statuses)
    return (
        Broadcast.objects.filter(status=BroadcastStatus.SENDING)
        .exclude(Exists(busy))
        .update(status=BroadcastStatus.SENT, finished_at=now)
    )


# --- Sequences -------------------------------------------------------------------------


def in_window(moment: datetime.datetime, step) -> datetime.datetime:
    """The moment, moved to the step's sending window (site time zone) if it falls outside:
    before the window, to its start that day; after it, to its start the next day."""
    if step is None or step.window_start is None:
        return moment
    local = timezone.localtime(moment)
    start = local.replace(
        hour=step.window_start.hour, minute=step.window_start.minute, second=0, microsecond=0
    )
    end = local.replace(
        hour=step.window_end.hour, minute=step.window_end.minute, second=0, microsecond=0
    )
    if start <= local <= end:
        return moment
    if local < start:
        return start
    return start + datetime.timedelta(days=1)


def first_due(sequence: Sequence, now: datetime.datetime) -> datetime.datetime | None:
    steps = list(sequence.steps.all())
    if not steps:
        return None
    return in_window(now + steps[0].wait(), steps[0])


def enrol(
    *, sequence: Sequence, contacts, now: datetime.datetime, by=None, submission_of=None
) -> int:
    """Enrol these contacts (a queryset) in the sequence, those not in it already (once per
    person, ever). Only people who may get marketing email are enrolled."""
    due = first_due(sequence, now)
    if due is None:
        return 0
    eligible = audience.marketable(contacts).exclude(enrolments__sequence=sequence)
    rows = [
        Enrolment(
            sequence=sequence,
            contact_id=pk,
            next_due_at=due,
            enrolled_by=by,
            submission_id=(submission_of or {}).get(pk),
        )
        for pk in eligible.values_list("pk", flat=True)
    ]
    return len(Enrolment.objects.bulk_create(rows, ignore_conflicts=True))


def enrol_new_submissions(now: datetime.datetime) -> int:
    """Enrol the people who answered each active sequence's CTA since its last scan."""
    enrolled = 0
    for sequence in Sequence.objects.filter(active=True, trigger=SequenceTrigger.CTA):
        since = max(
            sequence.enrols_from, (sequence.scanned_until or sequence.enrols_from) - SCAN_OVERLAP
        )
        submissions = Submission.objects.filter(
            cta_id=sequence.trigger_cta_id, received_at__gte=since, contact__isnull=False
        ).exclude(status=Status.SPAM)
        latest = dict(submissions.order_by("received_at").values_list("contact_id", "pk"))
        if latest:
            enrolled += enrol(
                sequence=sequence,
                contacts=Contact.objects.filter(pk__in=latest),
                now=now,
                submission_of=latest,
            )
        Sequence.objects.filter(pk=sequence.pk).update(scanned_until=now)
    return enrolled


def steps_queue(now: datetime.datetime, limit: int = 500) -> int:
    """Queue the next step of every active enrolment that is due, and move it on: to its
    following step (after that step's wait), or to completed. Someone who may no longer get
    marketing email leaves the sequence instead."""
    queued = 0
    with transaction.atomic():
        due = list(
            Enrolment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=EnrolmentStatus.ACTIVE, next_due_at__lte=now, sequence__active=True)
            .select_related("sequence")
            .order_by("next_due_at")[:limit]
        )
        if not due:
            return 0
        marketable = set(
            audience.marketable(
                Contact.objects.filter(pk__in=[e.contact_id for e in due])
            ).values_list("pk", flat=True)
        )
        steps_of = {}
        for enrolment in due:
            if enrolment.sequence_id not in steps_of:
                steps_of[enrolment.sequence_id] = list(enrolment.sequence.steps.all())
            steps = steps_of[enrolment.sequence_id]
            if enrolment.contact_id not in marketable:
                _end(enrolment, EnrolmentStatus.EXITED, "unsubscribed", now)
                continue
            if enrolment.next_step >= len(steps):
                _end(enrolment, EnrolmentStatus.COMPLETED, "", now)
                continue
            step = steps[enrolment.next_step]
            created = Send.objects.bulk_create(
                [
                    Send(
                        contact_id=enrolment.contact_id,
                        kind=SendKind.SEQUENCE,
                        enrolment=enrolment,
                        step=step,
                        due_at=now,
                    )
                ],
                ignore_conflicts=True,
            )
            queued += len(created)
            enrolment.next_step += 1
            if enrolment.next_step < len(steps):
                following = steps[enrolment.next_step]
                enrolment.next_due_at = in_window(now + following.wait(), following)
                enrolment.save(update_fields=["next_step", "next_due_at"])
            else:
                _end(enrolment, EnrolmentStatus.COMPLETED, "", now)
    return queued


def _end(enrolment: Enrolment, status: str, reason: str, now) -> None:
    enrolment.status = status
    enrolment.exit_reason = reason
    enrolment.ended_at = now
    enrolment.next_due_at = None
    enrolment.save(update_fields=["status", "exit_reason", "ended_at", "next_due_at", "next_step"])


# --- Webinar reminders -------------------------------------------------------------------


def webinar_kinds() -> list[str]:
    return [kind.value for kind in kinds.KINDS if kind.holds_seats]


def reminders_queue(now: datetime.datetime) -> int:
    """Queue the reminders that are due: a day and an hour before each webinar, to everyone
    who holds a seat, once the CTA has a joining link. Someone who registers after a reminder
    went out gets it at once; when the hour reminder is due too, only that one. Reminders for
    an earlier start time that were not sent yet are cancelled."""
    queued = 0
    webinars = CallToAction.objects.filter(
        kind__in=webinar_kinds(),
        event_starts_at__gt=now,
        event_starts_at__lte=now + REMINDERS[ReminderOffset.DAY] + datetime.timedelta(hours=1),
    ).exclude(joining_url="")
    for webinar in webinars:
        starts = webinar.event_starts_at
        for offset, before in REMINDERS.items():
            if starts - before > now:
                continue  # not due yet
            if offset == ReminderOffset.DAY and starts - REMINDERS[ReminderOffset.HOUR] <= now:
                continue  # the hour reminder says it all
            # Back to this time after a move away: its cancelled reminders go after all (a
            # send exists once per time, so a new one would not be written).
            queued += Send.objects.filter(
                kind=SendKind.REMINDER,
                webinar=webinar,
                reminder=offset,
                event_starts_at=starts,
                status=SendStatus.CANCELLED,
                skip_reason=MOVED,
                contact__in=webinar.seat_holders(),
            ).update(status=SendStatus.QUEUED, skip_reason="", due_at=now, claimed_at=None)
            queued += sends_insert(
                webinar.seat_holders(),
                kind=SendKind.REMINDER,
                due_at=now,
                webinar_id=webinar.pk,
                reminder=offset,
                event_starts_at=starts,
            )
    reminders_cancel_stale()
    return queued


def reminders_cancel_stale() -> int:
    """Cancel queued reminders whose webinar has moved (they were for the old time)."""
    moved = Send.objects.filter(
        kind=SendKind.REMINDER, status__in=[SendStatus.QUEUED, SendStatus.FAILED]
    ).exclude(event_starts_at=F("webinar__event_starts_at"))
    return moved.update(status=SendStatus.CANCELLED, skip_reason=MOVED)


def tick(now: datetime.datetime | None = None) -> dict[str, int]:
    """Everything that became due: run by each worker every MAIL_TICK_SECONDS."""
    now = now or timezone.now()
    return {
        "broadcasts started": len(broadcasts_start(now)),
        "enrolled": enrol_new_submissions(now),
        "steps queued": steps_queue(now),
        "reminders queued": reminders_queue(now),
        "broadcasts finished": broadcasts_finish(now),
    }
