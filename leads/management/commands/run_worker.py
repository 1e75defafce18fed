"""`manage.py run_worker`: the site's task worker. django-tasks-db's `db_worker`, plus a
sweep for lead follow-up that a worker which died left behind, plus scheduled publishing.

django-tasks-db never runs a task again once a worker has claimed it: if that worker is killed
mid-task (SIGKILL, out of memory, a reboot), the task row stays "running" and its emails would
never go out. The `Delivery` rows are the source of truth, so every worker also sweeps them,
every few seconds up to once a minute, and sends those overdue by LEAD_DELIVERY_STUCK_SECONDS
(`outbox.redrive(overdue=True)`). The sweep runs in a thread of its own, beside the task loop,
and so does scheduled publishing (go-live and expiry times, `leadsite.scheduling`).

It takes the options of django-tasks-db's `db_worker`, which stays available under its own name
without the sweep or the publishing (this command was called `db_worker` until issue 20; see
docs/deploy.md).
"""

import logging
import os
import threading

from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from leads.services import outbox
from leadsite import background, scheduling

logger = logging.getLogger("leads.tasks")

# Deliveries attempted per sweep: a long backlog is worked through by the next sweeps.
SWEEP_BATCH = 100


def sweep_interval() -> float:
    """Seconds between sweeps: often enough that a delivery is late by little more than
    LEAD_DELIVERY_STUCK_SECONDS, at most once a minute."""
    return max(1.0, min(60.0, settings.LEAD_DELIVERY_STUCK_SECONDS / 2))


def sweep_once() -> None:
    try:
        outcomes = outbox.redrive(overdue=True, limit=SWEEP_BATCH)
    except Exception as error:  # the database is down, say: try again at the next sweep
        logger.warning("Delivery sweep failed: %s", type(error).__name__)
        return
    finally:
        connections.close_all()  # this thread's connections; a sweep is rare
    if outcomes:
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        logger.warning("Delivery sweep re-drove overdue deliveries: %s", summary)


def sweep_forever(stopped: threading.Event) -> None:
    while not stopped.wait(sweep_interval()):
        sweep_once()


class Command(db_worker.Command):
    help = db_worker.Command.help + ", and re-drive lead follow-up left behind by a dead worker"

    def handle(self, *args, **options):
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if reloader_parent:  # only watches files; its child process does the work
            return super().handle(*args, **options)
        if options["batch"]:  # one pass over everything that is waiting, then exit
            sweep_once()
            scheduling.publish_due()
            return super().handle(*args, **options)
        publishing = scheduling.start()
        loops = background.start()  # the apps' own, e.g. sending due email (mailings)
        stopped = threading.Event()
        sweeper = threading.Thread(
            target=sweep_forever, args=(stopped,), name="delivery-sweep", daemon=True
        )
        sweeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            stopped.set()
            publishing.set()
            loops.set()
