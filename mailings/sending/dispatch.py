"""The dispatcher: claims due sends in batches and sends each once.

Exactly once, across workers and a worker killed mid-batch:
- a send exists once (its unique key) and is claimed by one worker (SELECT ... FOR UPDATE SKIP
  LOCKED on PostgreSQL; SQLite serialises writers), which marks it "sending" and stamps it
  with the claim's time (`claimed_at`), the worker's proof that it holds it;
- a worker sending a long batch renews its claim (a new stamp on the sends it still holds)
  every third of MAIL_CLAIM_SECONDS, so a claim only grows old when its worker is dead (or
  stalled longer than that in one SMTP exchange: keep EMAIL_TIMEOUT well below it);
- each send is marked "sent" in its own statement as soon as the mail server has accepted it,
  and only while it still carries the worker's stamp;
- a send still "sending" MAIL_CLAIM_SECONDS after its stamp was left by a worker that died: it
  goes back to the queue, and whichever worker takes it sends it.
So a killed worker's batch is finished by the others, each message once. The one window left:
the server accepted a message (its "250" reached us) and the worker died before "sent" was
written, a few milliseconds per message; that message goes again, with the same Message-ID (a
send's reference), so a receiving system that deduplicates by Message-ID shows it once. SMTP
cannot close it (RFC 1047: no acknowledgement of the acknowledgement). A message whose "250"
never reached the worker was, for SMTP, never accepted, and goes again as it should.
tests/mailings/sending/test_exactly_once.py kills a worker mid-send and counts the messages
at a real SMTP server; docs/performance.md, "Email sending", has the measurements (bench/mail).

Before sending, each send is checked again: a person who unsubscribed, was suppressed, left
the list, or left the sequence since it was queued is skipped, never sent.
"""

import datetime
import logging
import threading
import time

from django.conf import settings
from django.core.mail import get_connection
from django.db import close_old_connections, transaction
from django.db import connection as db
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from leads.models import Contact, Subscription, SubscriptionStatus, Suppression, email_digest

from .. import audience
from ..models import (
    Broadcast,
    BroadcastStatus,
    EnrolmentStatus,
    MailSettings,
    Send,
    SendKind,
    SendStatus,
)
from . import message, schedule

logger = logging.getLogger(__name__)

CANCELLED = "cancelled"  # why a cancelled broadcast's send did not go
FIRST_RETRY = datetime.timedelta(minutes=1)


def stale_release(now: datetime.datetime) -> int:
    """Put back in the queue the sends a dead worker left claimed."""
    stale = now - datetime.timedelta(seconds=settings.MAIL_CLAIM_SECONDS)
    return Send.objects.filter(status=SendStatus.SENDING, claimed_at__lt=stale).update(
        status=SendStatus.QUEUED, claimed_at=None
    )


def claim(now: datetime.datetime, limit: int) -> list[int]:
    """Take up to `limit` due sends for this worker: marked "sending", invisible to others,
    each with its random reference (what its links and Message-ID name)."""
    with transaction.atomic():
        ids = list(
            Send.objects.select_for_update(skip_locked=True)
            .filter(status__in=[SendStatus.QUEUED, SendStatus.FAILED], due_at__lte=now)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Send.objects.filter(pk__in=ids).update(
                status=SendStatus.SENDING,
                claimed_at=now,
                # A broadcast's sends are queued without one (schedule.sends_insert).
                reference=Coalesce(
                    "reference",
                    RawSQL(schedule.uuid_sql(), []),  # noqa: S611 - a constant function call
                ),
            )
    return ids


def _mark(send: Send, **fields) -> None:
    """Record a send's outcome, only while this worker still holds it (its claim's stamp)."""
    Send.objects.filter(pk=send.pk, status=SendStatus.SENDING, claimed_at=send.claimed_at).update(
        **fields
    )


def claim_renew(sends: list[Send]) -> list[Send]:
    """Renew this worker's claim on the sends it has yet to send: those it still holds get a
    new stamp, and are returned; any another worker took over are dropped."""
    if not sends:
        return []
    renewed = timezone.now()
    held = Q()
    for claimed_at, pks in _by_stamp(sends).items():
        held |= Q(pk__in=pks, claimed_at=claimed_at)
    Send.objects.filter(held, status=SendStatus.SENDING).update(claimed_at=renewed)
    still = set(
        Send.objects.filter(
            pk__in=[send.pk for send in sends], status=SendStatus.SENDING, claimed_at=renewed
        ).values_list("pk", flat=True)
    )
    kept = [send for send in sends if send.pk in still]
    for send in kept:
        send.claimed_at = renewed
    return kept


def _by_stamp(sends: list[Send]) -> dict[datetime.datetime, list[int]]:
    stamps: dict[datetime.datetime, list[int]] = {}
    for send in sends:
        stamps.setdefault(send.claimed_at, []).append(send.pk)
    return stamps


def skip_reasons(sends: list[Send]) -> dict[int, str]:
    """Why each send of a batch must not go out now, by send id (those absent may go)."""
    reasons: dict[int, str] = {}
    digests = {send.pk: email_digest(send.contact.email) for send in sends}
    suppressed = dict(
        Suppression.objects.filter(digest__in=set(digests.values())).values_list("digest", "reason")
    )
    # Who may still get marketing email (consent, unsubscribe, list), by list (None: any).
    contacts_by_list: dict[int | None, list[int]] = {}
    lists = {}
    for send in sends:
        if send.kind == SendKind.REMINDER:
            continue
        key = send.broadcast.mailing_list_id if send.kind == SendKind.BROADCAST else None
        contacts_by_list.setdefault(key, []).append(send.contact_id)
        if key is not None:
            lists[key] = send.broadcast.mailing_list
    allowed: dict[int | None, set[int]] = {}
    for key, contact_ids in contacts_by_list.items():
        contacts = Contact.objects.filter(pk__in=contact_ids)
        if key is not None:
            confirmed = Subscription.objects.filter(
                mailing_list_id=key, status=SubscriptionStatus.CONFIRMED
            )
            contacts = contacts.filter(pk__in=confirmed.values("contact"))
        allowed[key] = set(
            audience.marketable(contacts, lists.get(key)).values_list("pk", flat=True)
        )
    for send in sends:
        if digests[send.pk] in suppressed:
            reasons[send.pk] = f"suppressed: {suppressed[digests[send.pk]]}"
        elif send.kind == SendKind.BROADCAST and send.broadcast.status == BroadcastStatus.CANCELLED:
            reasons[send.pk] = CANCELLED
        elif send.kind == SendKind.SEQUENCE and (
            send.enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)
        ):
            reasons[send.pk] = f"left the sequence ({send.enrolment.get_status_display().lower()})"
        elif send.kind == SendKind.REMINDER and (
            send.webinar.event_starts_at != send.event_starts_at
        ):
            reasons[send.pk] = schedule.MOVED
        elif send.kind != SendKind.REMINDER:
            key = send.broadcast.mailing_list_id if send.kind == SendKind.BROADCAST else None
            if send.contact_id not in allowed[key]:
                reasons[send.pk] = "no longer subscribed"
    return reasons


def send_batch(
    ids: list[int], *, rate: float | None = None, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Send the claimed sends over one SMTP connection, at most `rate` a second
    (MAIL_SEND_RATE); returns how many ended how. `now` is the moment they go, as a webinar
    reminder words it ("starts in about an hour"): the present, unless a test drives time."""
    rate = settings.MAIL_SEND_RATE if rate is None else rate
    outcomes: dict[str, int] = {}
    sends = list(
        Send.objects.filter(pk__in=ids, status=SendStatus.SENDING)
        .select_related(
            "contact",
            "broadcast__email",
            "broadcast__mailing_list",
            "enrolment",
            "step__email",
            "webinar",
        )
        .order_by("pk")
    )
    if not sends:
        return outcomes
    reasons = skip_reasons(sends)
    mail_settings = MailSettings.load()
    connection = get_connection()
    _commit_without_waiting_for_disk(True)
    gap = 1.0 / rate if rate and rate > 0 else 0.0
    next_at = time.monotonic()
    renew_every = settings.MAIL_CLAIM_SECONDS / 3
    renewed_at = time.monotonic()
    lost: set[int] = set()  # taken over by another worker (this one stalled): theirs to send
    try:
        for index, send in enumerate(sends):
            if time.monotonic() - renewed_at >= renew_every:
                rest = [later for later in sends[index:] if later.pk not in lost]
                held = {later.pk for later in claim_renew(rest)}
                lost.update(later.pk for later in rest if later.pk not in held)
                renewed_at = time.monotonic()
            if send.pk in lost:
                continue
            reason = reasons.get(send.pk)
            if reason:
                status = SendStatus.CANCELLED if reason == CANCELLED else SendStatus.SKIPPED
                _mark(send, status=status, skip_reason=reason[:80])
                outcomes[status] = outcomes.get(status, 0) + 1
                continue
            if gap:
                wait = next_at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                next_at = max(next_at, time.monotonic()) + gap
            outcome = _send_one(send, mail_settings, connection, now)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        connection.close()
        _commit_without_waiting_for_disk(False)
    return outcomes


def _commit_without_waiting_for_disk(on: bool) -> None:
    """PostgreSQL: during a batch, a commit (each send's "sent") returns once the server has
    it, before its write-ahead log reaches the disk (synchronous_commit off): several times
    faster per send. A worker killed after the commit has recorded it all the same; only a
    crash of the database server itself can lose the last fraction of a second of "sent"
    marks, whose sends then go again (as after a worker killed at the wrong instant)."""
    if db.vendor != "postgresql":
        return
    with db.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")


def _send_one(send: Send, mail_settings, connection, now=None) -> str:
    try:
        email = message.build(send, mail_settings, now)
        # Opened once for the batch (send_messages on a closed connection would open and
        # close one per message); after an error, the next send opens a fresh one.
        connection.open()
        if connection.send_messages([email]) != 1:
            raise RuntimeError("the mail backend did not send it")
    except Exception as error:
        connection.close()  # the next send_messages opens a fresh connection
        return _failed(send, error)
    status = getattr(email, "anymail_status", None)
    provider_id = getattr(status, "message_id", None) if status else None
    _mark(
        send,
        status=SendStatus.SENT,
        sent_at=timezone.now(),
        attempts=send.attempts + 1,
        message_id=str(provider_id or email.extra_headers["Message-ID"])[:200],
    )
    return SendStatus.SENT


def _failed(send: Send, error: Exception) -> str:
    attempts = send.attempts + 1
    kind = type(error).__name__
    if attempts >= settings.MAIL_MAX_ATTEMPTS:
        _mark(send, status=SendStatus.GAVE_UP, attempts=attempts, last_error=kind)
        logger.error("Gave up on send %s after %s attempts: %s", send.pk, attempts, kind)
        return SendStatus.GAVE_UP
    retry = timezone.now() + FIRST_RETRY * 2 ** (attempts - 1)
    _mark(send, status=SendStatus.FAILED, attempts=attempts, last_error=kind, due_at=retry)
    logger.warning("Send %s failed (%s); retry %s", send.pk, kind, attempts)
    return SendStatus.FAILED


def broadcast_cancel(broadcast: Broadcast) -> Broadcast:
    """Stop a scheduled or running broadcast: what has not gone out yet never will."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
            broadcast.status = BroadcastStatus.CANCELLED
            broadcast.cancelled_at = timezone.now()
            broadcast.save(update_fields=["status", "cancelled_at"])
            broadcast.sends.filter(status__in=[SendStatus.QUEUED, SendStatus.FAILED]).update(
                status=SendStatus.CANCELLED, skip_reason=CANCELLED
            )
    return broadcast


def run_once(now: datetime.datetime | None = None, *, tick: bool = True) -> dict[str, int]:
    """One round: release dead workers' claims, queue what became due (tick), send one batch."""
    now = now or timezone.now()
    stale_release(now)
    counts = schedule.tick(now) if tick else {}
    ids = claim(now, settings.MAIL_BATCH_SIZE)
    for outcome, count in send_batch(ids, now=now).items():
        counts[outcome] = counts.get(outcome, 0) + count
    if ids:
        schedule.broadcasts_finish(timezone.now())
    return counts


def drain(now: datetime.datetime | None = None) -> dict[str, int]:
    """Rounds until nothing is due (tests, `manage.py send_mail --drain`)."""
    totals: dict[str, int] = {}
    first = True
    while True:
        counts = run_once(now, tick=first)
        first = False
        sent_any = False
        for outcome, count in counts.items():
            totals[outcome] = totals.get(outcome, 0) + count
            if outcome in SendStatus.values:
                sent_any = sent_any or count > 0
        if not sent_any:
            return totals


def run_forever(stopped: threading.Event) -> None:
    """The worker's loop (leadsite/background.py): send while there is work, tick every
    MAIL_TICK_SECONDS, rest a second when idle. Never raises."""
    last_tick = 0.0
    while not stopped.is_set():
        busy = False
        try:
            close_old_connections()
            now = timezone.now()
            ticking = time.monotonic() - last_tick >= settings.MAIL_TICK_SECONDS
            if ticking:
                last_tick = time.monotonic()
            counts = run_once(now, tick=ticking)
            busy = any(counts.get(status, 0) for status in SendStatus.values)
        except Exception as error:  # the database or the mail server is down, say
            logger.warning("Mail dispatch failed: %s", type(error).__name__)
        if not busy:
            stopped.wait(1.0)
