"""The CRM webhook: each accepted lead POSTed as signed JSON to a real local HTTP server."""

import datetime
import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from leads.models import Delivery, DeliveryStatus, LeadSettings, Status, Submission
from tests.factories import lead_form_data, make_cta
from tests.leads.live_site import http_receiver

pytestmark = pytest.mark.django_db

SECRET = "s3cret-shared-with-the-crm"


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """POST a lead as a browser on this site does; its follow-up runs when it commits."""

    def post(cta, *, referer="", **answers):
        headers = {"HTTP_ORIGIN": "http://testserver"}
        if referer:
            headers["HTTP_REFERER"] = referer
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/leads/cta/{cta.pk}/submit/", lead_form_data(cta, **answers), **headers
            )
        assert response.status_code == 303
        return Submission.objects.order_by("-pk").first()

    return post


@pytest.fixture
def crm(db):
    """A CRM endpoint on a local HTTP server, set as the webhook in the lead settings."""
    with http_receiver() as receiver:
        LeadSettings.objects.create(webhook_url=receiver.url, webhook_secret=SECRET)
        yield receiver


def webhook_of(submission) -> Delivery:
    return submission.deliveries.get(kind="webhook")


def test_webhook_body_is_signed_with_the_secret(submit, crm):
    submission = submit(make_cta("quote"))

    (request,) = crm.requests
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-LeadSite-Signature"] == expected
    assert request.headers["Content-Type"] == "application/json"
    assert webhook_of(submission).status == DeliveryStatus.SENT


def test_webhook_payload_carries_contact_answers_consent_and_attribution(submit, crm):
    submission = submit(
        make_cta("quote"),
        referer="http://testserver/posts/pricing/?utm_source=newsletter&utm_campaign=spring",
        name="Ana Lima",
        company="Acme",
    )

    payload = json.loads(crm.requests[0].body)
    assert payload["submission_id"] == submission.pk
    assert payload["contact"]["email"] == "ana@acme.example"
    assert (payload["contact"]["name"], payload["contact"]["company"]) == ("Ana Lima", "Acme")
    assert payload["answers"] == submission.answers
    assert payload["answers"]["message"] == "We need a quote for lead capture on our blog."
    assert payload["consent"]["given"] is True
    assert payload["consent"]["version"] == submission.cta.consent_version
    assert payload["attribution"]["utm_source"] == "newsletter"
    assert payload["attribution"]["utm_campaign"] == "spring"
    assert payload["attribution"]["landing_page"].startswith("http://testserver/posts/pricing/")


def test_webhook_refused_by_the_receiver_is_retried_until_accepted(submit, crm):
    crm.status = 500
    submission = submit(make_cta("quote"))
    webhook = webhook_of(submission)
    assert (webhook.status, webhook.last_error) == (DeliveryStatus.FAILED, "WebhookRefused (500)")

    crm.status = 200
    Delivery.objects.filter(pk=webhook.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("redrive_deliveries", stdout=io.StringIO())

    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts) == (DeliveryStatus.SENT, 2)
    assert len(crm.requests) == 2
    assert crm.requests[0].body == crm.requests[1].body


def test_no_webhook_delivery_without_a_url(submit):
    LeadSettings.objects.create(webhook_url="", webhook_secret=SECRET)

    submission = submit(make_cta("quote"))

    assert not submission.deliveries.filter(kind="webhook").exists()


def test_quarantined_submission_sends_no_webhook(submit, crm):
    submission = submit(make_cta("quote"), website="http://spam.example")

    assert submission.status == Status.SPAM
    assert not submission.deliveries.exists()
    assert crm.requests == []
