"""The dispatcher against a real SMTP server (aiosmtpd, Django's SMTP backend): a broadcast
reaches exactly the people it may reach, in batches, at the configured rate, retried with
backoff while the server refuses and given up after MAIL_MAX_ATTEMPTS; a cancelled broadcast
sends nothing more; every marketing email carries the RFC 8058 headers and our Message-ID."""

import datetime
import email
import email.policy
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from leads.models import Contact, SubscriptionStatus
from leads.services import contact_unsubscribe
from mailings import links
from mailings.models import Broadcast, BroadcastStatus, Send, SendStatus
from mailings.sending import dispatch, schedule
from tests.live_site import MailCollector, free_port, smtp_server, smtp_settings

from ..people import broadcast_to, consent, make_segment, newsletter, person, suppress

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    """A real SMTP server; the site's mail goes to it."""
    port = free_port()
    for name, value in smtp_settings(port).items():
        setattr(settings, name, value)
    settings.MAIL_SEND_RATE = 0
    settings.MAIL_MESSAGE_ID_DOMAIN = "mail.leadsite.test"
    with smtp_server(port) as collector:
        yield collector


def messages(sink) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        for envelope in sink.envelopes
    ]


def statuses(broadcast) -> dict[str, int]:
    found: dict[str, int] = {}
    for status in broadcast.sends.values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def test_a_segment_broadcast_reaches_exactly_its_eligible_people(sink):
    hot = {"score": 80}
    eligible = [person(**hot), person(**hot)]
    withdrew = person(**hot)
    consent(withdrew, False)  # yes first, then no: the latest word counts
    person(marketing=None, **hot)  # never said yes
    person(unsubscribed_at=timezone.now(), **hot)
    suppress(person(**hot))
    person(score=10)  # not in the segment
    broadcast = broadcast_to(segment=make_segment({"field": "score_at_least", "value": 50}))

    dispatch.drain()

    assert sorted(sink.recipients) == sorted(contact.email for contact in eligible)
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENT
    assert broadcast.audience_size == 2
    assert statuses(broadcast) == {SendStatus.SENT: 2}


def test_a_list_broadcast_reaches_its_confirmed_subscribers_only(sink):
    news = newsletter()
    confirmed = person(mailing_list=news)
    person(mailing_list=news, subscription=SubscriptionStatus.PENDING)
    person(mailing_list=news, subscription=SubscriptionStatus.UNSUBSCRIBED)
    person(mailing_list=news, marketing=False)
    person(mailing_list=newsletter("product-news"))
    broadcast_to(mailing_list=news)

    dispatch.drain()

    assert sink.recipients == [confirmed.email]


def test_draining_again_sends_nothing_twice(sink):
    person(mailing_list=newsletter())
    broadcast_to(mailing_list=newsletter())
    dispatch.drain()
    dispatch.drain(timezone.now() + datetime.timedelta(hours=1))
    assert len(sink.envelopes) == 1


def test_someone_who_unsubscribes_after_the_start_is_skipped(sink):
    leaving, staying = person(mailing_list=newsletter()), person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    schedule.tick()  # queued for both
    contact_unsubscribe(contact=leaving)

    dispatch.drain()

    assert sink.recipients == [staying.email]
    skipped = broadcast.sends.get(contact=leaving)
    assert (skipped.status, skipped.skip_reason) == (SendStatus.SKIPPED, "no longer subscribed")


def test_an_address_suppressed_after_the_start_is_skipped(sink):
    bounced = person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    schedule.tick()
    suppress(bounced)

    dispatch.drain()

    assert sink.envelopes == []
    assert broadcast.sends.get().skip_reason == "suppressed: bounce"


def test_sends_go_in_batches_of_the_configured_size(sink, settings):
    settings.MAIL_BATCH_SIZE = 3
    for _ in range(7):
        person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())

    sent = []
    for _ in range(4):
        dispatch.run_once()
        sent.append(len(sink.envelopes))

    assert sent == [3, 6, 7, 7]
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENT


def test_the_configured_rate_is_respected(sink, settings):
    settings.MAIL_SEND_RATE = 20  # a second per 20 emails, per worker
    for _ in range(10):
        person(mailing_list=newsletter())
    broadcast_to(mailing_list=newsletter())
    schedule.tick()

    started = time.monotonic()
    dispatch.drain()
    elapsed = time.monotonic() - started

    assert len(sink.envelopes) == 10
    assert elapsed >= 9 / 20  # ten sends are nine gaps apart; never faster than the rate


def test_a_refusing_server_is_retried_with_growing_waits_then_given_up(sink, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    sink.refuse_recipients_with = "451 4.3.0 Try again later"
    person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    now = timezone.now()

    waits = []
    for minutes in (0, 2, 5):  # each attempt once the previous wait is over
        before = timezone.now()
        dispatch.drain(now + datetime.timedelta(minutes=minutes))
        send = broadcast.sends.get()
        assert send.last_error == "SMTPRecipientsRefused"
        waits.append(send.due_at - before)

    assert send.status == SendStatus.GAVE_UP
    assert send.attempts == 3
    # The first retry a minute later, the second two minutes later.
    assert datetime.timedelta(minutes=1) <= waits[0] < datetime.timedelta(minutes=1, seconds=30)
    assert datetime.timedelta(minutes=2) <= waits[1] < datetime.timedelta(minutes=2, seconds=30)
    assert sink.envelopes == []
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENT  # nothing left to try


def test_a_send_that_failed_goes_out_once_the_server_takes_it_again(sink):
    sink.refuse_recipients_with = "451 4.3.0 Try again later"
    reader = person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    dispatch.drain()
    assert broadcast.sends.get().status == SendStatus.FAILED

    sink.refuse_recipients_with = ""
    dispatch.drain(timezone.now())  # not due yet: the wait is a minute
    assert sink.envelopes == []
    dispatch.drain(timezone.now() + datetime.timedelta(minutes=2))

    assert sink.recipients == [reader.email]
    send = broadcast.sends.get()
    assert (send.status, send.attempts) == (SendStatus.SENT, 2)


def test_a_server_that_is_down_counts_as_a_failed_attempt(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.EMAIL_USE_TLS = False
    person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())

    dispatch.drain()

    send = broadcast.sends.get()
    assert (send.status, send.attempts) == (SendStatus.FAILED, 1)
    assert send.last_error == "ConnectionRefusedError"


def test_a_cancelled_broadcast_sends_nothing_more(sink, settings):
    settings.MAIL_BATCH_SIZE = 2
    for _ in range(6):
        person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    dispatch.run_once()
    assert len(sink.envelopes) == 2

    dispatch.broadcast_cancel(broadcast)
    dispatch.drain(timezone.now() + datetime.timedelta(hours=1))

    assert len(sink.envelopes) == 2
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.CANCELLED
    assert statuses(broadcast) == {SendStatus.SENT: 2, SendStatus.CANCELLED: 4}


def test_a_batch_claimed_before_the_cancel_stops_too(sink):
    for _ in range(3):
        person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    schedule.tick()
    ids = dispatch.claim(timezone.now(), 10)  # a worker holds them ...
    dispatch.broadcast_cancel(broadcast)  # ... when the team cancels

    dispatch.send_batch(ids)

    assert sink.envelopes == []
    assert statuses(broadcast) == {SendStatus.CANCELLED: 3}


def test_every_marketing_email_carries_one_click_unsubscribe_and_our_message_id(sink):
    people = [person(mailing_list=newsletter()) for _ in range(3)]
    broadcast = broadcast_to(mailing_list=newsletter())

    dispatch.drain()

    received = messages(sink)
    assert len(received) == len(people)
    for message in received:
        send = broadcast.sends.get(contact__email=message["To"])
        assert message["Message-ID"] == f"<{send.reference.hex}@mail.leadsite.test>"
        assert send.message_id == message["Message-ID"]
        # Folded onto its own line (a long URL), which the header's syntax allows.
        unsubscribe = message["List-Unsubscribe"].strip()
        assert unsubscribe == f"<{links.unsubscribe_url(send.reference)}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Subject"] == "News from LeadSite"
        html = next(p for p in message.walk() if p.get_content_type() == "text/html")
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        preferences = links.preferences_url(send.contact.reference).split("/email/")[0]
        for part in (html, text):
            body = part.get_payload(decode=True).decode()
            assert links.unsubscribe_url(send.reference) in body.replace("&amp;", "&")
            assert preferences + "/email/" in body


def test_a_send_left_by_a_dead_worker_goes_out_once_its_claim_is_old(sink, settings):
    settings.MAIL_CLAIM_SECONDS = 60
    reader = person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    schedule.tick()
    dispatch.claim(timezone.now(), 10)  # a worker took it, then died

    dispatch.drain()  # its claim is fresh: nobody else may send it
    assert sink.envelopes == []
    dispatch.drain(timezone.now() + datetime.timedelta(seconds=61))

    assert sink.recipients == [reader.email]
    assert broadcast.sends.get().status == SendStatus.SENT


class TakeoverOnFirstMessage(MailCollector):
    """Accepts the first message, and while doing so lets "another worker" take over the rest
    of the batch (as if the sending worker had stalled past MAIL_CLAIM_SECONDS)."""

    def __init__(self, stamp):
        super().__init__()
        self.stamp = stamp

    async def handle_DATA(self, server, session, envelope):
        if not self.envelopes:
            await sync_to_async(self.take_over, thread_sensitive=False)(envelope.rcpt_tos)
        return await super().handle_DATA(server, session, envelope)

    def take_over(self, current):
        try:
            Send.objects.filter(status=SendStatus.SENDING).exclude(
                contact__email__in=current
            ).update(claimed_at=self.stamp)
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the sink's thread writes
def test_a_worker_whose_claim_was_taken_over_sends_no_more_of_it(settings):
    port = free_port()
    for name, value in smtp_settings(port).items():
        setattr(settings, name, value)
    settings.MAIL_CLAIM_SECONDS = 0  # it renews its claim before each send
    for _ in range(3):
        person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    schedule.tick()
    other_worker = timezone.now() + datetime.timedelta(seconds=1)
    with smtp_server(port, handler=TakeoverOnFirstMessage(other_worker)) as sink:
        ids = dispatch.claim(timezone.now(), 10)
        outcomes = dispatch.send_batch(ids)

    assert len(sink.envelopes) == 1
    assert outcomes == {SendStatus.SENT: 1}
    assert statuses(broadcast) == {SendStatus.SENT: 1, SendStatus.SENDING: 2}
    taken = broadcast.sends.filter(status=SendStatus.SENDING)
    assert set(taken.values_list("claimed_at", flat=True)) == {other_worker}


def test_a_broadcast_is_started_once_however_often_the_tick_runs(sink):
    person(mailing_list=newsletter())
    broadcast = broadcast_to(mailing_list=newsletter())
    schedule.tick()
    Broadcast.objects.filter(pk=broadcast.pk).update(status=BroadcastStatus.SCHEDULED)
    schedule.tick()  # the same audience again: its sends exist already

    dispatch.drain()

    assert len(sink.envelopes) == 1
    assert Contact.objects.count() == 1
