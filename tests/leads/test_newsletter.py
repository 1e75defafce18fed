"""Newsletter double opt-in, and unsubscribing from every email we send a lead."""

import re

import pytest
from django.core import mail

from leads.models import Contact, Delivery, Subscription, SubscriptionStatus
from tests.factories import make_cta

pytestmark = pytest.mark.django_db

LEAD = "ana@acme.example"
CONFIRM_LINK = re.compile(r"http://testserver(/leads/subscribe/confirm/[^/\s\"]+/)")
UNSUBSCRIBE_LINK = re.compile(r"http://testserver(/leads/unsubscribe/[^/\s\"]+/)")


@pytest.fixture
def submit(post_lead):
    def post(cta, **answers):
        assert post_lead(cta, **answers).status_code == 303

    return post


@pytest.fixture
def newsletter(db):
    return make_cta("newsletter", headline="The Monday lead-gen letter")


def emails_to_lead() -> list:
    return [message for message in mail.outbox if LEAD in message.to]


def link_in_last_email(pattern) -> str:
    return pattern.search(emails_to_lead()[-1].body).group(1)


def test_signup_creates_a_pending_subscription(submit, newsletter):
    submit(newsletter)

    subscription = Subscription.objects.get()
    assert subscription.contact.email == LEAD
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.confirmed_at is None


def test_signup_sends_an_opt_in_email_and_no_other_email_to_the_lead(submit, newsletter):
    submit(newsletter)

    assert set(Delivery.objects.values_list("kind", flat=True)) == {"notification", "opt_in"}
    (opt_in,) = emails_to_lead()
    assert opt_in.subject == "Please confirm your subscription to LeadSite"
    assert CONFIRM_LINK.search(opt_in.body)
    ((html, _),) = opt_in.alternatives
    assert CONFIRM_LINK.search(html)


def test_opening_the_confirmation_link_asks_and_does_not_confirm(client, submit, newsletter):
    submit(newsletter)

    response = client.get(link_in_last_email(CONFIRM_LINK))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post">' in html
    assert "Confirm my subscription</button>" in html
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


def test_posting_the_confirmation_link_confirms(client, submit, newsletter):
    submit(newsletter)

    response = client.post(link_in_last_email(CONFIRM_LINK), HTTP_ORIGIN="http://testserver")

    assert response.status_code == 200
    assert "You are subscribed" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.confirmed_at is not None


def tampered(path: str, *, other_id: int | None = None) -> str:
    """The link with another subscription's id, or with its signature altered."""
    token = path.rstrip("/").rpartition("/")[2]
    signed_id, timestamp, signature = token.split(":")
    if other_id is not None:
        changed = f"{other_id}:{timestamp}:{signature}"
    else:
        changed = f"{signed_id}:{timestamp}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    return path.replace(token, changed)


@pytest.mark.parametrize("method", ["get", "post"])
def test_confirmation_link_for_another_subscription_is_not_found(
    client, submit, newsletter, method
):
    submit(newsletter, email="bea@other.example")
    submit(newsletter)
    other = Subscription.objects.get(contact__email="bea@other.example")

    response = getattr(client, method)(
        tampered(link_in_last_email(CONFIRM_LINK), other_id=other.pk),
        HTTP_ORIGIN="http://testserver",
    )

    assert response.status_code == 404
    assert {s.status for s in Subscription.objects.all()} == {SubscriptionStatus.PENDING}


def test_confirmation_link_with_altered_signature_is_not_found(client, submit, newsletter):
    submit(newsletter)

    response = client.post(
        tampered(link_in_last_email(CONFIRM_LINK)), HTTP_ORIGIN="http://testserver"
    )

    assert response.status_code == 404
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


@pytest.mark.parametrize("kind", ["download", "quote", "newsletter", "webinar"])
def test_every_email_to_the_lead_has_an_unsubscribe_link(submit, kind):
    submit(make_cta(kind))

    (message,) = emails_to_lead()
    ((html, _),) = message.alternatives
    assert UNSUBSCRIBE_LINK.search(message.body)
    assert UNSUBSCRIBE_LINK.search(html)
    assert UNSUBSCRIBE_LINK.search(message.extra_headers["List-Unsubscribe"])


def test_opening_the_unsubscribe_link_does_not_unsubscribe(client, submit, newsletter):
    submit(newsletter)

    response = client.get(link_in_last_email(UNSUBSCRIBE_LINK))

    assert response.status_code == 200
    assert Contact.objects.get().unsubscribed_at is None
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


def test_unsubscribe_button_unsubscribes_the_contact_and_its_subscriptions(
    client, submit, newsletter
):
    submit(newsletter)
    client.post(link_in_last_email(CONFIRM_LINK), HTTP_ORIGIN="http://testserver")

    response = client.post(link_in_last_email(UNSUBSCRIBE_LINK), HTTP_ORIGIN="http://testserver")

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert Contact.objects.get().unsubscribed_at is not None
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None


def test_one_click_unsubscribe_from_a_mail_provider_works(client, submit, newsletter):
    """RFC 8058: the provider POSTs `List-Unsubscribe=One-Click`, with no Origin."""
    submit(newsletter)
    url = emails_to_lead()[-1].extra_headers["List-Unsubscribe"].strip("<>")

    response = client.post(
        url.removeprefix("http://testserver"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Contact.objects.get().unsubscribed_at is not None
    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED


def test_unsubscribe_posted_from_another_site_is_refused(client, submit, newsletter):
    submit(newsletter)

    response = client.post(link_in_last_email(UNSUBSCRIBE_LINK), HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert Contact.objects.get().unsubscribed_at is None


def test_signup_after_unsubscribing_is_pending_again_with_a_new_opt_in(client, submit, newsletter):
    submit(newsletter)
    client.post(link_in_last_email(CONFIRM_LINK), HTTP_ORIGIN="http://testserver")
    client.post(link_in_last_email(UNSUBSCRIBE_LINK), HTTP_ORIGIN="http://testserver")

    submit(newsletter)

    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.confirmed_at is not None  # kept: when they first confirmed
    opt_ins = [m for m in emails_to_lead() if m.subject.startswith("Please confirm")]
    assert len(opt_ins) == 2
    client.post(link_in_last_email(CONFIRM_LINK), HTTP_ORIGIN="http://testserver")
    assert Subscription.objects.get().status == SubscriptionStatus.CONFIRMED
