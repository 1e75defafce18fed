"""Each recipient gets a broadcast once, also when a worker is killed mid-send.

Real processes: two `manage.py send_mail` workers (the loop every `manage.py run_worker` runs,
mailings/management/commands/send_mail.py) on the test database, each talking to its own
aiosmtpd port in this process; both ports deliver into one mailbox. The first worker's server
holds its answer to one message; the test kills that worker with SIGKILL while it waits (so
the message was never accepted, as SMTP sees it) and the rest of its batch is left claimed.
With MAIL_CLAIM_SECONDS small, the second worker takes the left sends back and finishes.
"""

import asyncio
import collections
import email
import email.policy
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bench._common import REPO_ROOT
from leads.models import (
    ConsentPurpose,
    ConsentRecord,
    ConsentSource,
    Contact,
    Subscription,
    SubscriptionStatus,
)
from mailings.models import Broadcast, SendStatus
from tests.live_site import VENV_BIN, free_port, site_env, smtp_server

from ..people import broadcast_to, consent, newsletter, person, suppress, wording

pytestmark = [
    pytest.mark.multiprocess,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECIPIENTS = 300
HOLD_AT = 40  # the first worker's server holds its answer to this message of it


class Mailbox:
    """Every message both ports accepted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []

    def add(self, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)


class Port:
    """One SMTP port's handler; with `hold_at`, it holds its answer to that message until the
    test releases it, and then, its client being dead, accepts nothing."""

    def __init__(self, mailbox: Mailbox, hold_at: int | None = None):
        self.mailbox = mailbox
        self.hold_at = hold_at
        self.seen = 0
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.hold_at:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
        if self.released.is_set():  # the sending worker was killed while we held it
            return "421 4.3.0 Closing the connection"
        self.mailbox.add(envelope)
        return "250 Message accepted for delivery"


def database_url() -> str:
    """The test database, for the workers."""
    found = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{found['NAME']}"
    password = f":{found['PASSWORD']}" if found.get("PASSWORD") else ""
    return (
        f"postgres://{found['USER']}{password}@{found['HOST'] or '127.0.0.1'}:"
        f"{found['PORT'] or 5432}/{found['NAME']}"
    )


def worker(port: int, log: Path) -> subprocess.Popen:
    env = site_env(log.parent, database_url()) | {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
        "MAIL_CLAIM_SECONDS": "2",
        "MAIL_BATCH_SIZE": "25",
        "MAIL_TICK_SECONDS": "0.5",
        "MAIL_SEND_RATE": "50",  # per worker: the first is still sending when the second starts
        "MAIL_MESSAGE_ID_DOMAIN": "mail.leadsite.test",
    }
    command = [str(VENV_BIN / "python"), str(REPO_ROOT / "manage.py"), "send_mail"]
    with open(log, "ab") as output:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def subscribers(count: int) -> list[Contact]:
    """`count` confirmed newsletter subscribers who said yes to marketing email."""
    news, text, now = newsletter(), wording(), timezone.now()
    contacts = Contact.objects.bulk_create(
        Contact(email=f"subscriber{n}@example.com") for n in range(count)
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            contact=contact,
            purpose=ConsentPurpose.MARKETING,
            given=True,
            source=ConsentSource.FORM,
            text=text,
            recorded_at=now,
        )
        for contact in contacts
    )
    Subscription.objects.bulk_create(
        Subscription(
            contact=contact,
            mailing_list=news,
            status=SubscriptionStatus.CONFIRMED,
            confirmed_at=now,
        )
        for contact in contacts
    )
    return contacts


def stop(process: subprocess.Popen):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_broadcast_reaches_each_recipient_once_when_a_worker_is_killed(tmp_path):
    eligible = {contact.email for contact in subscribers(RECIPIENTS)}
    news = newsletter()
    withdrew = person(mailing_list=news)
    consent(withdrew, False)
    person(mailing_list=news, subscription=SubscriptionStatus.PENDING)
    person(mailing_list=news, unsubscribed_at=timezone.now())
    suppress(person(mailing_list=news))
    broadcast = broadcast_to(mailing_list=news)

    mailbox = Mailbox()
    first, second = Port(mailbox, hold_at=HOLD_AT), Port(mailbox)
    first_port, second_port = free_port(), free_port()
    workers = []
    try:
        with smtp_server(first_port, handler=first), smtp_server(second_port, handler=second):
            workers.append(worker(first_port, tmp_path / "first.log"))
            wait_until(lambda: first.seen >= 1, timeout=120, what="the first worker's first email")
            workers.append(worker(second_port, tmp_path / "second.log"))
            wait_until(first.holding.is_set, timeout=60, what="the held message")
            os.kill(workers[0].pid, signal.SIGKILL)  # mid-batch, a message in flight
            workers[0].wait(timeout=10)
            first.released.set()

            def finished():
                return not broadcast.sends.exclude(status=SendStatus.SENT).exists()

            wait_until(finished, timeout=180, what="every send to be sent")
            time.sleep(1)  # nothing else arrives late
    finally:
        for process in workers:
            stop(process)
        logs = {path.name: path.read_text()[-2000:] for path in tmp_path.glob("*.log")}

    by_message_id = collections.Counter(message["Message-ID"] for message in mailbox.messages)
    by_recipient = collections.Counter(message["To"] for message in mailbox.messages)
    assert len(mailbox.messages) == RECIPIENTS, logs
    assert max(by_message_id.values()) == 1
    assert set(by_recipient) == eligible
    assert max(by_recipient.values()) == 1
    sends = broadcast.sends.all()
    assert {send.message_id for send in sends} == set(by_message_id)
    assert {send.status for send in sends} == {SendStatus.SENT}
    # Both workers sent part of it; the second one finished what the first one left.
    assert 0 < first.seen - 1 < RECIPIENTS
    assert second.seen > 0
    assert Broadcast.objects.get(pk=broadcast.pk).status == "sent"
