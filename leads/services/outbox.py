"""The outbox: a lead's follow-up (emails, webhooks) as `Delivery` rows, written in the
transaction that stores what they follow up, sent once it commits, retried until done.

- Services write the rows (capture, review, scoring) and call `send()` in their transaction.
- A delivery's life: `delivery_claim` (one attempt, under a row lock), `delivery_succeeded`,
  `delivery_failed` (backoff), `delivery_retry` (a person asks for it again).
- `due()` is what should be attempted now; `drain()` attempts deliveries one by one, and
  `redrive()` drains what is due. The tasks, every task worker's sweep and
  `manage.py redrive_deliveries` all go through `drain()`.

Services never import the tasks; the tasks import the services. The follow-up side tells this
module once how deliveries leave (`connect()`, called by LeadsConfig.ready): the task that makes
a lead's first attempts, the task that retries one delivery, and the sender of each kind.
docs/leads.md ("Follow-up that survives failures") tells the whole story.
"""

import datetime
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.base import Task
from wagtail.log_actions import log

from .. import audit
from ..models import Delivery, DeliveryStatus, Submission, stuck_sending

# The queue's log, under the name it has always had.
logger = logging.getLogger("leads.tasks")

# Sends one kind of delivery for a submission: returns "" when it sent or the reason it
# skipped; raises when it failed (the delivery is then retried with backoff).
Sender = Callable[[Submission], str]


# How deliveries leave ---------------------------------------------------------------------


@dataclass(frozen=True)
class Courier:
    """What the follow-up side registers: `follow_up` is a task taking a list of delivery ids
    (a lead's first attempts, one queue row per lead), `retry` a task taking one delivery id,
    `senders` the sender of each delivery kind."""

    follow_up: Task
    retry: Task
    senders: Mapping[str, Sender]


_courier: Courier | None = None


def connect(*, follow_up: Task, retry: Task, senders: Mapping[str, Sender]) -> None:
    """Tell the outbox how deliveries leave (LeadsConfig.ready calls this once)."""
    global _courier  # set once at start-up, read ever after
    _courier = Courier(follow_up=follow_up, retry=retry, senders=dict(senders))


def courier() -> Courier:
    if _courier is None:
        raise ImproperlyConfigured("The outbox is not connected (see LeadsConfig.ready).")
    return _courier


def send(deliveries: Iterable[Delivery]) -> None:
    """Have these new deliveries sent once the current transaction commits, by one task."""
    ids = [delivery.pk for delivery in deliveries]
    if ids:
        enqueue_with_transaction(courier().follow_up, ids, label="follow-up")


def enqueue_with_transaction(task: Task, argument, *, label: str) -> None:
    """Enqueue within the current transaction if the queue is in the database, else after it
    commits (an in-process backend must not send mail for a lead that might roll back)."""
    if is_transactional(task):
        # In a savepoint: a failed queue write must not abort the caller's transaction; the
        # deliveries then stay pending for the sweep and redrive_deliveries.
        try:
            with transaction.atomic():
                task.enqueue(argument)
        except Exception as error:
            logger.error("Could not enqueue %s %s: %s", label, argument, type(error).__name__)
    else:
        transaction.on_commit(lambda: enqueue(task, argument))


def enqueue(task: Task, *args, run_after: datetime.datetime | None = None) -> None:
    """Hand a task to the queue. A queue failure is logged, not raised: the Delivery rows
    stay pending and the sweep or `redrive_deliveries` picks them up."""
    try:
        (task.using(run_after=run_after) if run_after else task).enqueue(*args)
    except Exception as error:
        logger.error("Could not enqueue %s%s: %s", task.name, args, type(error).__name__)


def is_transactional(task: Task) -> bool:
    """Does enqueueing write to our own database, so that it commits with the caller?"""
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[task.backend], DatabaseBackend)


def defers(task: Task) -> bool:
    """Can this task's queue hold it until a later time (a retry after its backoff)?"""
    return task_backends[task.backend].supports_defer


# Attempts ---------------------------------------------------------------------------------


def due(*, overdue: bool = False) -> QuerySet[Delivery]:
    """What to attempt now: pending, failed and past its backoff, or stuck "sending"
    (`Delivery.objects.due`). `overdue`: only what no worker took within
    LEAD_DELIVERY_STUCK_SECONDS of being due, which a sweep beside running workers may take
    without racing them (`Delivery.objects.overdue`)."""
    return Delivery.objects.overdue() if overdue else Delivery.objects.due()


def drain(delivery_ids: Iterable[int]) -> dict[int, str]:
    """Attempt each of these deliveries once, in turn; returns how each ended."""
    return {delivery_id: attempt(delivery_id) for delivery_id in delivery_ids}


def redrive(
    *, overdue: bool = False, all_failed: bool = False, limit: int | None = None
) -> dict[str, int]:
    """Drain what is due (`due`), oldest first, at most `limit`; returns how many ended how
    ("sent", "failed", ...). `all_failed`: every failed delivery too, now, ignoring the backoff,
    and those that gave up. Two processes redriving at once send each delivery once
    (`delivery_claim` locks its row)."""
    deliveries = due(overdue=overdue)
    if all_failed:
        deliveries = Delivery.objects.filter(
            Q(pk__in=deliveries.values("pk"))
            | Q(status__in=[DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP])
        )
        Delivery.objects.filter(status=DeliveryStatus.GAVE_UP).update(status=DeliveryStatus.FAILED)
    ids = deliveries.order_by("pk").values_list("pk", flat=True)
    outcomes: dict[str, int] = {}
    for outcome in drain(list(ids[:limit] if limit else ids)).values():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def attempt(delivery_id: int) -> str:
    """One attempt at one delivery, now: "sent", "skipped", "failed" (retried later, unless
    it gave up) or "not due" (done, or another worker has it)."""
    delivery = delivery_claim(delivery_id)
    if delivery is None:
        return "not due"
    try:
        skipped_because = courier().senders[delivery.kind](delivery.submission)
    except Exception as error:
        retry_at = delivery_failed(delivery, error)
        logger.warning(
            "Delivery %s (%s) failed on attempt %s: %s",
            delivery.pk,
            delivery.kind,
            delivery.attempts,
            delivery.last_error,
        )
        retry = courier().retry
        if retry_at is not None and defers(retry):
            enqueue(retry, delivery.pk, run_after=retry_at)
        return "failed"
    delivery_succeeded(delivery, skipped_because=skipped_because or "")
    return "skipped" if skipped_because else "sent"


# A delivery's life ------------------------------------------------------------------------


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
        audit.DELIVERY_RETRY,
        user=by,
        data={"delivery": delivery.pk, "kind": delivery.kind},
    )
    # With the database queue, in a savepoint: a failed queue write leaves the delivery pending
    # for the sweep instead of undoing the retry. An in-process queue runs after the commit.
    enqueue_with_transaction(courier().retry, delivery.pk, label="delivery")
    return delivery
