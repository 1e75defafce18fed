"""Broadcasts scheduled, sent now and cancelled, and tests sent to their author, through the
services the admin calls (real database, real SMTP server)."""

import datetime
from email import message_from_bytes
from email.policy import default

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.rich_text import RichText

from mailings import services
from mailings.models import Broadcast, BroadcastStatus, SendStatus
from mailings.sending import dispatch, schedule
from tests.factories import make_user
from tests.live_site import free_port, smtp_server, smtp_settings
from tests.mailings.makers import make_email, make_list, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user("eddie", "Editors")


@pytest.fixture
def newsletter():
    return make_list("Newsletter", double_opt_in=False)


def draft(newsletter, editor, **fields):
    return services.broadcast_create(
        name="March issue", email=make_email(), mailing_list=newsletter, by=editor, **fields
    )


def test_a_broadcast_goes_to_a_list_or_a_segment_never_both_or_neither(newsletter, editor):
    from mailings.models import Segment

    segment = Segment.objects.create(name="Hot")
    with pytest.raises(ValidationError):
        services.broadcast_create(
            name="x", email=make_email(), mailing_list=newsletter, segment=segment, by=editor
        )
    with pytest.raises(ValidationError):
        services.broadcast_create(name="x", email=make_email(), by=editor)
    broadcast = services.broadcast_create(name="x", email=make_email(), segment=segment, by=editor)
    assert broadcast.status == BroadcastStatus.DRAFT
    assert broadcast.created_by == editor


def test_scheduling_needs_a_time_in_the_future(newsletter, editor):
    broadcast = draft(newsletter, editor)
    with pytest.raises(ValidationError, match="future"):
        services.broadcast_schedule(
            broadcast=broadcast, at=timezone.now() - datetime.timedelta(minutes=1), by=editor
        )
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.DRAFT


def test_a_scheduled_broadcast_starts_when_its_time_comes(newsletter, editor):
    make_subscriber(newsletter)
    at = timezone.now() + datetime.timedelta(hours=2)
    broadcast = services.broadcast_schedule(broadcast=draft(newsletter, editor), at=at, by=editor)
    assert (broadcast.status, broadcast.scheduled_for) == (BroadcastStatus.SCHEDULED, at)
    schedule.tick(at - datetime.timedelta(minutes=1))
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SCHEDULED
    schedule.tick(at)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.audience_size) == (BroadcastStatus.SENDING, 1)


def test_a_scheduled_broadcast_can_be_moved_but_a_sent_one_cannot(newsletter, editor):
    broadcast = draft(newsletter, editor)
    later = timezone.now() + datetime.timedelta(days=1)
    services.broadcast_schedule(broadcast=broadcast, at=later, by=editor)
    services.broadcast_schedule(
        broadcast=broadcast, at=later + datetime.timedelta(hours=1), by=editor
    )
    Broadcast.objects.filter(pk=broadcast.pk).update(status=BroadcastStatus.SENT)
    with pytest.raises(ValidationError, match="no longer"):
        services.broadcast_schedule(broadcast=broadcast, at=later, by=editor)


def test_send_now_reaches_the_eligible_subscribers_once(newsletter, editor, settings, mailoutbox):
    readers = [make_subscriber(newsletter) for _ in range(3)]
    make_subscriber(newsletter, consent=False)  # on the list, but said no to marketing
    make_subscriber(None)  # not on the list
    broadcast = services.broadcast_send_now(broadcast=draft(newsletter, editor), by=editor)
    assert broadcast.status == BroadcastStatus.SCHEDULED
    dispatch.drain()
    dispatch.drain()
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENT
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in readers)
    with pytest.raises(ValidationError):
        services.broadcast_send_now(broadcast=broadcast, by=editor)


def test_each_reader_is_greeted_by_their_own_name_or_the_fallback(newsletter, editor, settings):
    email = make_email(
        subject="{first_name|Hello}, three forms for {company|your team}",
        body=[("text", RichText("<p>Hi {first_name|there},</p>"))],
    )
    make_subscriber(newsletter, email="dana@example.com", name="Dana Ruiz", company="Ruiz & Co")
    make_subscriber(newsletter, email="anon@example.com")
    broadcast = services.broadcast_create(
        name="March issue", email=email, mailing_list=newsletter, by=editor
    )
    services.broadcast_send_now(broadcast=broadcast, by=editor)
    port = free_port()
    for name, value in smtp_settings(port).items():
        setattr(settings, name, value)
    with smtp_server(port) as server:
        dispatch.drain()
        dispatch.drain()
    received = {}
    for envelope in server.envelopes:
        message = message_from_bytes(envelope.content, policy=default)
        received[envelope.rcpt_tos[0]] = (
            message["Subject"],
            message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content(),
        )
    subject, text, html = received["dana@example.com"]
    assert subject == "Dana, three forms for Ruiz & Co"
    assert "Hi Dana," in text and "Hi Dana,</p>" in html
    subject, text, html = received["anon@example.com"]
    assert subject == "Hello, three forms for your team"
    assert "Hi there," in text and "Hi there,</p>" in html


def test_cancel_stops_what_has_not_gone_out(newsletter, editor, mailoutbox):
    for _ in range(3):
        make_subscriber(newsletter)
    broadcast = services.broadcast_send_now(broadcast=draft(newsletter, editor), by=editor)
    schedule.tick(timezone.now())
    broadcast = services.broadcast_cancel(broadcast=broadcast, by=editor)
    assert broadcast.status == BroadcastStatus.CANCELLED
    dispatch.drain()
    assert mailoutbox == []
    assert set(broadcast.sends.values_list("status", flat=True)) == {SendStatus.CANCELLED}


def test_only_a_scheduled_or_sending_broadcast_can_be_cancelled(newsletter, editor):
    with pytest.raises(ValidationError, match="nothing to cancel"):
        services.broadcast_cancel(broadcast=draft(newsletter, editor), by=editor)


def test_actions_are_in_the_audit_log_without_addresses(newsletter, editor):
    make_subscriber(newsletter, email="private.person@example.com")
    broadcast = draft(newsletter, editor)
    services.broadcast_schedule(
        broadcast=broadcast, at=timezone.now() + datetime.timedelta(days=1), by=editor
    )
    services.broadcast_cancel(broadcast=broadcast, by=editor)
    entries = ModelLogEntry.objects.filter(object_id=str(broadcast.pk)).order_by("pk")
    assert [e.action for e in entries] == [
        "wagtail.create",
        "mailings.broadcast_schedule",
        "mailings.broadcast_cancel",
    ]
    assert all(e.user_id == editor.pk for e in entries)
    logged = " ".join(str(e.data) + e.label + e.message for e in entries)
    assert "@" not in logged


def test_a_test_send_reaches_the_author_through_smtp_with_both_parts(settings, editor):
    email = make_email(subject="{first_name|Hi}, three forms that convert", track_clicks=True)
    editor.first_name = "Eddie"
    editor.save()
    port = free_port()
    for name, value in smtp_settings(port).items():
        setattr(settings, name, value)
    with smtp_server(port) as server:
        assert services.email_test_send(email=email, user=editor) == "eddie@staff.example"
    assert server.recipients == ["eddie@staff.example"]
    message = message_from_bytes(server.envelopes[0].content, policy=default)
    assert message["Subject"] == "[Test] Eddie, three forms that convert"  # the author's name
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Get the checklist (https://example.com/checklist)" in text  # untracked in a test
    assert "Unsubscribe: http://testserver/email/unsubscribe/test-send/" in text
    assert "Shorter forms" in html
    assert "/email/preferences/test-send/" in html
    assert ModelLogEntry.objects.filter(action="mailings.email_test_send").count() == 1


def test_a_test_send_needs_an_address_on_the_account(mailoutbox):
    user = make_user("noaddress", "Editors", email="")
    with pytest.raises(services.TestSendError, match="no email address"):
        services.email_test_send(email=make_email(), user=user)
    assert mailoutbox == []


def test_a_test_send_says_when_the_mail_server_refuses(settings, editor):
    port = free_port()
    for name, value in smtp_settings(port).items():
        setattr(settings, name, value)
    with (
        smtp_server(port, refuse_recipients_with="550 No such user"),
        pytest.raises(services.TestSendError, match="did not take it"),
    ):
        services.email_test_send(email=make_email(), user=editor)
