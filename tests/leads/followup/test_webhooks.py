"""The CRM webhook: each accepted lead POSTed as signed JSON to a real local HTTP server.

The webhook posts only over https to public addresses; the suite's loopback receivers are let
through by name (LEAD_WEBHOOK_UNSAFE_TEST_HOSTS), and only where a test says so. Nothing here
touches the network: refused URLs are loopback servers or IP literals, refused before any
connection."""

import datetime
import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from leads.models import Delivery, DeliveryStatus, LeadSettings, Status, Submission
from tests.factories import lead_form_data, make_cta
from tests.live_site import free_port, http_receiver

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
def crm(db, settings):
    """A CRM endpoint on a local HTTP server, set as the webhook in the lead settings (and let
    through as a test host: it is plain http on loopback)."""
    with http_receiver() as receiver:
        settings.LEAD_WEBHOOK_UNSAFE_TEST_HOSTS = [receiver.host]
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
    assert (webhook.status, webhook.last_error) == (
        DeliveryStatus.FAILED,
        "CRM endpoint refused the lead (HTTP 500)",
    )

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


# Only https to public addresses (SSRF) --------------------------------------------------

UNREACHABLE = "CRM endpoint unreachable"
NOT_ALLOWED = "CRM endpoint not allowed: check the URL in Settings > Lead settings"


def save_lead_settings(client, django_user_model, webhook_url):
    """Post the Lead settings form in the admin, as an administrator."""
    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    return save_lead_settings_again(client, webhook_url)


def save_lead_settings_again(client, webhook_url):
    url = reverse("wagtailsettings:edit", args=["leads", "leadsettings", LeadSettings.load().pk])
    return client.post(
        url, {"sales_inbox": "", "webhook_url": webhook_url, "webhook_secret": SECRET}
    )


REFUSED_AT_SAVE = {
    "plain http": "http://93.184.215.14/hooks",
    "ftp": "ftp://93.184.215.14/hooks",
    "loopback": "https://127.0.0.1/hooks",
    "localhost by name": "https://localhost:8443/hooks",
    "private": "https://10.0.0.5/hooks",
    "private 192.168": "https://192.168.1.20/hooks",
    "cloud metadata (link-local)": "https://169.254.169.254/latest/meta-data/",
    "shared address space": "https://100.64.0.1/hooks",
    "unspecified": "https://0.0.0.0/hooks",
    "multicast": "https://224.0.0.1/hooks",
    "reserved": "https://240.0.0.1/hooks",
    "ipv6 loopback": "https://[::1]/hooks",
    "ipv6 unique local": "https://[fd00::1]/hooks",
    "ipv6 link-local": "https://[fe80::1]/hooks",
    "ipv4-mapped loopback": "https://[::ffff:127.0.0.1]/hooks",
    "nat64 of private": "https://[64:ff9b::a00:1]/hooks",
    "6to4 of loopback": "https://[2002:7f00:1::1]/hooks",
    "credentials in url": "https://user:pw@93.184.215.14/hooks",
}


@pytest.mark.parametrize("url", REFUSED_AT_SAVE.values(), ids=REFUSED_AT_SAVE.keys())
def test_webhook_url_that_is_not_https_to_a_public_address_is_refused_when_saved(
    client, django_user_model, url
):
    response = save_lead_settings(client, django_user_model, url)

    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["webhook_url"]
    assert not LeadSettings.objects.exclude(webhook_url="").exists()


def test_loopback_test_server_is_refused_when_not_listed_as_a_test_host(client, django_user_model):
    with http_receiver() as receiver:
        response = save_lead_settings(client, django_user_model, receiver.url)
        https = save_lead_settings_again(client, receiver.url.replace("http:", "https:"))

    assert "Use an https:// address" in str(response.context["form"].errors["webhook_url"])
    assert "private, loopback or reserved" in str(https.context["form"].errors["webhook_url"])
    assert receiver.requests == []


def test_https_url_on_a_public_address_is_saved(client, django_user_model):
    response = save_lead_settings(client, django_user_model, "https://93.184.215.14/hooks/leads")

    assert response.status_code == 302
    assert LeadSettings.load().webhook_url == "https://93.184.215.14/hooks/leads"


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_private_address_is_refused_again_at_send(submit, scheme):
    """A URL saved before the check, or a name that now resolves to loopback: nothing is sent,
    and sales read a plain sentence."""
    with http_receiver() as receiver:
        # Written past the form's validation, as an old row or a changed DNS answer would be.
        LeadSettings.objects.create(
            webhook_url=receiver.url.replace("http:", f"{scheme}:").replace(
                "127.0.0.1", "localhost"
            ),
            webhook_secret=SECRET,
        )
        submission = submit(make_cta("quote"))

    webhook = webhook_of(submission)
    assert (webhook.status, webhook.last_error) == (DeliveryStatus.FAILED, NOT_ALLOWED)
    assert receiver.requests == []


def test_redirect_is_not_followed(submit, crm, settings):
    """A 3xx is a refusal: the lead is never sent on, as a POST or as a GET with its trail."""
    with http_receiver() as elsewhere:
        settings.LEAD_WEBHOOK_UNSAFE_TEST_HOSTS = [crm.host, elsewhere.host]
        crm.status = 302
        crm.headers = {"Location": elsewhere.url + "?from=redirect"}

        submission = submit(make_cta("quote"))

    assert len(crm.requests) == 1
    assert elsewhere.requests == []
    webhook = webhook_of(submission)
    assert webhook.last_error == "CRM endpoint refused the lead (HTTP 302)"


def test_closed_port_and_failed_handshake_read_the_same_to_sales(submit, crm, settings):
    """No port-scan oracle: what failed (refused, TLS, timeout) is not recorded."""
    closed = f"127.0.0.1:{free_port()}"
    settings.LEAD_WEBHOOK_UNSAFE_TEST_HOSTS = [crm.host, closed]
    errors = []
    for url in (f"http://{closed}/hooks", crm.url.replace("http:", "https:")):
        LeadSettings.objects.update(webhook_url=url)
        errors.append(webhook_of(submit(make_cta("quote"))).last_error)

    assert errors == [UNREACHABLE, UNREACHABLE]
    assert crm.requests == []  # the TLS handshake failed before anything was posted
