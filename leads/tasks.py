"""The task queue's entry points for leads (django-tasks): thin, they call the services.

The queue stores each task by its dotted path (`leads.tasks.deliver`, ...) in every queued row,
so these functions stay defined here: a row queued before any code moves still runs. The work
is done by the outbox (leads/services/outbox.py), which LeadsConfig.ready connects to these
tasks and to the senders of leads/followup/. Tasks import services, never the reverse.

In production the queue is django-tasks-db: enqueueing writes a row in the same transaction as
the submission. In development and tests the immediate backend runs the task right after the
commit. Either way the `Delivery` row is the source of truth: a task that never ran (queue
down, worker killed) is picked up again by every `manage.py run_worker`'s sweep and by
`manage.py redrive_deliveries` (`outbox.redrive`).
"""

import logging

from django.db import transaction
from django_tasks import task

from .followup.senders import SENDERS  # noqa: F401 (its older home)
from .models import Contact, Delivery, DeliveryKind
from .services import outbox, scoring

logger = logging.getLogger(__name__)

# Older names of what moved to the outbox: one attempt now, a logged enqueue, a lead's
# follow-up handed to the queue.
delivery_attempt = outbox.attempt
enqueue = outbox.enqueue
enqueue_deliveries = outbox.send


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at one delivery; on failure, schedule the next with backoff."""
    return outbox.drain([delivery_id])[delivery_id]


@task()
def deliver_follow_up(delivery_ids: list[int]) -> dict[str, str]:
    """The first attempt at each delivery of one submission: one task (one queue row) per lead.
    A delivery that fails is retried on its own, through `deliver`. Then the lead's contact is
    rescored: here, so the visitor's request never waits for it and the queue gets no second
    row per lead."""
    outcomes = {str(pk): outcome for pk, outcome in outbox.drain(delivery_ids).items()}
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
            scoring.contact_score_refresh(contact=contact)
        except Exception as error:
            logger.error("Could not rescore contact %s: %s", contact.pk, type(error).__name__)


@task()
def score_contacts(contact_ids: list[int] | None = None) -> int:
    """Recompute lead scores (all contacts if None): after a rule or setting changes."""
    return scoring.scores_recompute(contact_ids=contact_ids)


def rescore_everyone_after_commit(sender, raw=False, **kwargs) -> None:
    """A scoring rule or the scoring settings changed, so every score is stale: recompute them
    in a task once the change commits (not in the request; connected in apps.py so that every
    path, the admin, the shell or a script, triggers it)."""
    if not raw:  # loaddata
        transaction.on_commit(lambda: outbox.enqueue(score_contacts, None))


def redrive_overdue(limit: int = 100) -> dict[str, int]:
    """Attempt the deliveries no worker has taken in time: the periodic sweep of each task
    worker. Returns how many ended how ("sent", "failed", ...)."""
    return outbox.redrive(overdue=True, limit=limit)
