"""Scheduled publishing: go-live and expiry times happen without anyone running a command.

Wagtail stores a page's (or a snippet's) "go live at" on its approved revision and its
"expire at" on the object, and leaves it to `manage.py publish_scheduled` to act on them
(https://docs.wagtail.org/en/stable/reference/pages/theory.html#scheduled-publishing). LeadSite
runs that command every SCHEDULED_PUBLISHING_SECONDS (30) in a thread of the processes it
starts anyway: every `manage.py run_worker` in production (deploy/systemd/leadsite-worker), and
`manage.py runserver` in development (`make run`). Publishing and unpublishing send Wagtail's
signals, so the page cache and the front cache are purged as for an editor's click.

Several workers may run at once (one per server): on PostgreSQL a run holds an advisory lock,
so that only one of them publishes a revision at a time; the others skip that round.
"""

import logging
import threading
import zlib

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

logger = logging.getLogger(__name__)

# pg_try_advisory_lock's key: any fixed number, the same in every process.
LOCK_KEY = zlib.crc32(b"leadsite.scheduling.publish_due")


def interval() -> float:
    """Seconds between runs; 0 turns the thread off (SCHEDULED_PUBLISHING_SECONDS)."""
    return float(settings.SCHEDULED_PUBLISHING_SECONDS)


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: one server, and its writes are serialised anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        return cursor.fetchone()[0]


def _unlock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def publish_due() -> None:
    """Publish the revisions whose go-live time has come and unpublish what has expired,
    unless another process is doing it right now. Never raises: the next run tries again."""
    try:
        if not _try_lock():
            return
        try:
            call_command("publish_scheduled")
        finally:
            _unlock()
    except Exception as error:  # the database is down, say
        logger.warning("Scheduled publishing failed: %s", type(error).__name__)


def publish_forever(stopped: threading.Event) -> None:
    while not stopped.wait(interval()):
        try:
            publish_due()
        finally:
            connections.close_all()  # this thread's; a run every half minute opens its own


def start() -> threading.Event:
    """Run `publish_due` in a daemon thread every `interval()` seconds (none when it is 0);
    set the returned event to stop it."""
    stopped = threading.Event()
    if interval() > 0:
        thread = threading.Thread(
            target=publish_forever, args=(stopped,), name="scheduled-publishing", daemon=True
        )
        thread.start()
    return stopped
