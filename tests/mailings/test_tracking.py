"""What the mail provider reports through its signed webhooks (mailings/tracking.py): the
payloads are built and signed the way django-anymail's own tests build them (Mailgun: HMAC-
SHA256 with the webhook signing key; Postmark: basic authentication), and posted to the URLs
the provider is given."""

import base64
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from leads.models import ConsentRecord, DeliveryStatus, Submission, Suppression
from mailings.models import BroadcastStatus, Send, SendStatus
from mailings.sending import dispatch
from tests.factories import lead_form_data, make_cta
from tests.live_site import free_port, smtp_server, smtp_settings
from tests.mailings.recipients import make_broadcast, make_list, make_send, make_subscriber

pytestmark = pytest.mark.django_db

SIGNING_KEY = "test-webhook-signing-key"
MAILGUN = "/email/provider/mailgun/tracking/"
POSTMARK = "/email/provider/postmark/tracking/"


def mailgun_signed(event_data: dict, *, key=SIGNING_KEY) -> dict:
    """A Mailgun webhook body, signed as Mailgun signs it (anymail's tests:
    mailgun_sign_payload): HMAC-SHA256 of timestamp + token with the signing key."""
    timestamp, token = str(int(event_data.get("timestamp", 1767225600))), "a1b2c3d4e5f6" * 4
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": event_data,
    }


def mailgun_event(event, send=None, *, recipient=None, message_id=None, **fields) -> dict:
    """A Mailgun event about a send of ours: it echoes the metadata we gave the message."""
    data = {
        "event": event,
        "timestamp": 1767225600.25,
        "recipient": recipient or send.contact.email,
        "user-variables": {"send": send.reference.hex} if send and not message_id else {},
        "message": {"headers": {"message-id": message_id or "20260101.1.ABCDEF@mg.example"}},
    }
    return data | fields


def post_mailgun(data: dict):
    return Client(enforce_csrf_checks=True).post(
        MAILGUN, json.dumps(data), content_type="application/json"
    )


@pytest.fixture(autouse=True)
def provider_settings(settings):
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "POSTMARK_SERVER_TOKEN": "server-token",
    }


def test_a_forged_signature_is_refused_and_changes_nothing():
    send = make_send(make_subscriber())
    body = mailgun_signed(mailgun_event("failed", send, severity="permanent"), key="guess")

    response = post_mailgun(body)

    assert response.status_code == 400
    assert not Suppression.objects.exists()
    send.refresh_from_db()
    assert send.bounced_at is None


def test_an_unsigned_report_is_refused():
    send = make_send(make_subscriber())

    response = post_mailgun({"event-data": mailgun_event("complained", send)})

    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_a_delivery_is_recorded_on_its_send():
    send = make_send(make_subscriber())

    response = post_mailgun(mailgun_signed(mailgun_event("delivered", send)))

    assert response.status_code == 200
    send.refresh_from_db()
    assert send.delivered_at is not None
    assert send.delivered_at.year == 2026


def test_a_hard_bounce_suppresses_the_address_once_however_often_it_is_reported():
    send = make_send(make_subscriber("gone@old-firm.example"))
    body = mailgun_signed(mailgun_event("failed", send, severity="permanent", reason="bounce"))

    assert post_mailgun(body).status_code == 200
    send.refresh_from_db()
    bounced_at = send.bounced_at
    assert post_mailgun(body).status_code == 200  # the provider retries

    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason, suppression.source) == (
        "gone@old-firm.example",
        "bounce",
        "mailgun",
    )
    send.refresh_from_db()
    assert send.bounced_at == bounced_at is not None
    send.contact.refresh_from_db()
    assert send.contact.unsubscribed_at is None  # a bounce is no withdrawal of consent


def test_a_soft_bounce_suppresses_nothing():
    send = make_send(make_subscriber())

    post_mailgun(mailgun_signed(mailgun_event("failed", send, severity="temporary")))

    assert not Suppression.objects.exists()


def test_a_complaint_suppresses_unsubscribes_and_records_it_once():
    newsletter = make_list()
    contact = make_subscriber("annoyed@firm.example", lists=[newsletter])
    send = make_send(contact)
    body = mailgun_signed(mailgun_event("complained", send))

    assert post_mailgun(body).status_code == 200
    assert post_mailgun(body).status_code == 200

    assert Suppression.objects.get().reason == "complaint"
    send.refresh_from_db()
    contact.refresh_from_db()
    assert send.complained_at is not None
    assert contact.unsubscribed_at is not None
    records = ConsentRecord.objects.filter(contact=contact, given=False)
    assert [(r.source, r.purpose, r.submission) for r in records] == [
        ("complaint", "marketing", None)
    ]


def test_a_report_is_matched_by_message_id_without_metadata():
    send = make_send(make_subscriber(), message_id="<20260101.7.ABC@mg.example>")

    post_mailgun(
        mailgun_signed(mailgun_event("delivered", send, message_id="20260101.7.ABC@mg.example"))
    )

    send.refresh_from_db()
    assert send.delivered_at is not None


def test_an_unsubscribe_at_the_provider_unsubscribes():
    send = make_send(make_subscriber())

    post_mailgun(mailgun_signed(mailgun_event("unsubscribed", send)))

    send.refresh_from_db()
    send.contact.refresh_from_db()
    assert send.unsubscribed_at is not None
    assert send.contact.unsubscribed_at is not None
    assert not Suppression.objects.exists()


def test_a_bounce_for_mail_no_send_matches_still_suppresses_the_address():
    post_mailgun(
        mailgun_signed(
            mailgun_event("failed", recipient="Nobody@Old-Firm.example", severity="permanent")
        )
    )

    assert Suppression.objects.get().email == "nobody@old-firm.example"


def test_after_a_bounce_and_a_complaint_the_next_broadcast_skips_both():
    newsletter = make_list()
    _, bounced, annoyed = (
        make_subscriber(email, lists=[newsletter])
        for email in ("reader@firm.example", "gone@firm.example", "annoyed@firm.example")
    )
    earlier = make_broadcast(newsletter, status=BroadcastStatus.SENT)
    post_mailgun(
        mailgun_signed(
            mailgun_event("failed", make_send(bounced, broadcast=earlier), severity="permanent")
        )
    )
    post_mailgun(mailgun_signed(mailgun_event("complained", make_send(annoyed, broadcast=earlier))))
    broadcast = make_broadcast(newsletter, scheduled_for=timezone.now())
    port = free_port()

    with smtp_server(port) as received, override_settings(**smtp_settings(port)):
        dispatch.drain()

    assert received.recipients == ["reader@firm.example"]
    assert Send.objects.filter(broadcast=broadcast, status=SendStatus.SENT).count() == 1


def test_a_suppressed_address_gets_no_follow_up_email_from_a_form(
    django_capture_on_commit_callbacks,
):
    post_mailgun(
        mailgun_signed(mailgun_event("failed", recipient="gone@firm.example", severity="permanent"))
    )
    cta = make_cta("quote")

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            f"/leads/cta/{cta.pk}/submit/",
            lead_form_data(cta, email="gone@firm.example", name="Ana"),
            HTTP_ORIGIN="http://testserver",
        )

    confirmation = Submission.objects.get().deliveries.get(kind="confirmation")
    assert confirmation.status == DeliveryStatus.SKIPPED
    assert confirmation.last_error == "suppressed: bounce"
    assert not [m for m in mail.outbox if "gone@firm.example" in m.to]


# Postmark: the webhook URL carries basic authentication (ANYMAIL_WEBHOOK_SECRET). -----------


def post_postmark(payload, credentials="postmark:s3cret"):
    auth = base64.b64encode(credentials.encode()).decode()
    return Client(enforce_csrf_checks=True).post(
        POSTMARK,
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def postmark_bounce(send, kind="HardBounce"):
    return {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": kind,
        "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
        "Email": send.contact.email,
        "BouncedAt": "2026-01-01T10:00:00.0000000-04:00",
        "Metadata": {"send": send.reference.hex},
    }


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "postmark:s3cret"})
def test_postmark_reports_with_wrong_credentials_are_refused():
    send = make_send(make_subscriber())

    response = post_postmark(postmark_bounce(send), credentials="postmark:guess")

    assert response.status_code >= 400
    assert not Suppression.objects.exists()


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "postmark:s3cret"})
def test_a_postmark_hard_bounce_and_spam_complaint_suppress():
    bounced, annoyed = make_send(make_subscriber()), make_send(make_subscriber())

    assert post_postmark(postmark_bounce(bounced)).status_code == 200
    complaint = postmark_bounce(annoyed, kind="SpamComplaint") | {"RecordType": "SpamComplaint"}
    assert post_postmark(complaint).status_code == 200

    reasons = dict(Suppression.objects.values_list("email", "reason"))
    assert reasons == {bounced.contact.email: "bounce", annoyed.contact.email: "complaint"}
    annoyed.contact.refresh_from_db()
    assert annoyed.contact.unsubscribed_at is not None
