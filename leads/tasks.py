"""Background follow-up of submissions, on django-tasks.

In production the queue is django-tasks-db: enqueueing writes a row in the same transaction as
the submission. In development and tests the immediate backend runs the task right after the
commit. Either way the `Delivery` row is the source of truth: a task that never ran (queue
down, worker killed) is picked up again by every `manage.py db_worker`'s sweep
(`redrive_overdue`) and by `manage.py redrive_deliveries`.
"""

import logging

from django.db import transaction
from django_tasks import task, task_backends

from . import services
from .emails import (
    send_assignment,
    send_confirmation,
    send_hot_lead,
    send_notification,
    send_opt_in,
)
from .models import Contact, Delivery, DeliveryKind
from .webhooks import send_webhook

logger = logging.getLogger(__name__)

SENDERS = {
    DeliveryKind.NOTIFICATION: send_notification,
    DeliveryKind.CONFIRMATION: send_confirmation,
    DeliveryKind.OPT_IN: send_opt_in,
    DeliveryKind.WEBHOOK: send_webhook,
    DeliveryKind.HOT_LEAD: send_hot_lead,
    DeliveryKind.ASSIGNMENT: send_assignment,
}


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at one delivery; on failure, schedule the next with backoff."""
    return delivery_attempt(delivery_id)


@task()
def deliver_follow_up(delivery_ids: list[int]) -> dict[str, str]:
    """The first attempt at each delivery of one submission: one task (one queue row) per lead.
    A delivery that fails is retried on its own, through `deliver`. Then the lead's contact is
    rescored: here, so the visitor's request never waits for it and the queue gets no second
    row per lead."""
    outcomes = {str(delivery_id): delivery_attempt(delivery_id) for delivery_id in delivery_ids}
    rescore_after_follow_up(delivery_ids)
    return outcomes


def rescore_after_follow_up(delivery_ids: list[int]) -> None:
    """A new (or released) submission changes its contact's score. The hot-lead alert's own
    follow-up does not rescore, nor does an assignment notice. A failure is logged, not
    raised: the daily `score_contacts` catches up, and the deliveries' outcomes stand."""
    contact_ids = set(
        Delivery.objects.filter(pk__in=delivery_ids)
        .exclude(kind__in=[DeliveryKind.HOT_LEAD, DeliveryKind.ASSIGNMENT])
        .values_list("submission__contact", flat=True)
    )
    for contact in Contact.objects.filter(pk__in=contact_ids - {None}):
        try:
            services.contact_score_refresh(contact=contact)
        except Exception as error:
            logger.error("Could not rescore contact %s: %s", contact.pk, type(error).__name__)


@task()
def score_contacts(contact_ids: list[int] | None = None) -> int:
    """Recompute lead scores (all contacts if None): after a rule or setting changes."""
    return services.scores_recompute(contact_ids=contact_ids)


def rescore_everyone_after_commit(sender, raw=False, **kwargs) -> None:
    """A scoring rule or the scoring settings changed, so every score is stale: recompute them
    in a task once the change commits (not in the request; connected in apps.py so that every
    path, the admin, the shell or a script, triggers it)."""
    if not raw:  # loaddata
        transaction.on_commit(lambda: enqueue(score_contacts, None))


def delivery_attempt(delivery_id: int) -> str:
    delivery = services.delivery_claim(delivery_id)
    if delivery is None:
        return "not due"
    try:
        skipped_because = SENDERS[delivery.kind](delivery.submission)
    except Exception as error:
        retry_at = services.delivery_failed(delivery, error)
        logger.warning(
            "Delivery %s (%s) failed on attempt %s: %s",
            delivery.pk,
            delivery.kind,
            delivery.attempts,
            delivery.last_error,
        )
        if retry_at is not None and backend_defers():
            enqueue(deliver, delivery.pk, run_after=retry_at)
        return "failed"
    services.delivery_succeeded(delivery, skipped_because=skipped_because or "")
    return "skipped" if skipped_because else "sent"


def redrive_overdue(limit: int = 100) -> dict[str, int]:
    """Attempt the deliveries no worker has taken in time (`Delivery.objects.overdue()`): the
    periodic sweep of each task worker. Two workers sweeping at once send each delivery once
    (`delivery_claim` locks its row). Returns how many ended how ("sent", "failed", ...)."""
    overdue = Delivery.objects.overdue().order_by("pk").values_list("pk", flat=True)[:limit]
    outcomes: dict[str, int] = {}
    for delivery_id in list(overdue):
        outcome = delivery_attempt(delivery_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def backend_defers() -> bool:
    return task_backends[deliver.backend].supports_defer


def enqueue_is_transactional() -> bool:
    """Does enqueueing write to our own database, so that it commits with the submission?"""
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[deliver.backend], DatabaseBackend)


def enqueue(task_, *args, run_after=None) -> None:
    """Hand deliveries to the queue. A queue failure is logged, not raised: the Delivery rows
    stay pending and `redrive_deliveries` picks them up."""
    try:
        (task_.using(run_after=run_after) if run_after else task_).enqueue(*args)
    except Exception as error:
        logger.error("Could not enqueue %s%s: %s", task_.name, args, type(error).__name__)


def enqueue_deliveries(deliveries) -> None:
    """Enqueue within the current transaction if the queue is in the database, else after it
    commits (an in-process backend must not send mail for a lead that might roll back)."""
    ids = [delivery.pk for delivery in deliveries]
    if not ids:
        return
    if enqueue_is_transactional():
        # In a savepoint: a failed queue write must not abort the lead's transaction; the
        # deliveries then stay pending for redrive_deliveries.
        try:
            with transaction.atomic():
                deliver_follow_up.enqueue(ids)
        except Exception as error:
            logger.error("Could not enqueue follow-up %s: %s", ids, type(error).__name__)
    else:
        transaction.on_commit(lambda: enqueue(deliver_follow_up, ids))
