"""Newsletter double opt-in, and unsubscribing from every email we send a lead."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from leads.capture.tokens import OPT_IN_MAX_AGE, link_token
from leads.models import Contact, Delivery, DeliveryKind, Subscription, SubscriptionStatus
from leads.tasks import delivery_attempt
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
    # The kind's default subject names the newsletter by the CTA's name (leads/kinds.py).
    assert opt_in.subject == f"Please confirm your subscription to {newsletter.title}"
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


def tampered(path: str, *, other=None) -> str:
    """The link naming another subscription, or with its signature altered."""
    token = path.rstrip("/").rpartition("/")[2]
    value, signature = token.split(":")
    _reference, issued = value.split(".")
    if other is not None:
        changed = f"{other.reference.hex}.{issued}:{signature}"
    else:
        changed = f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    return path.replace(token, changed)


@pytest.mark.parametrize("method", ["get", "post"])
def test_confirmation_link_for_another_subscription_is_not_found(
    client, submit, newsletter, method
):
    submit(newsletter, email="bea@other.example")
    submit(newsletter)
    other = Subscription.objects.get(contact__email="bea@other.example")

    response = getattr(client, method)(
        tampered(link_in_last_email(CONFIRM_LINK), other=other),
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


# An old opt-in link never overrides a later unsubscribe ----------------------------------------


def unsubscribe(client):
    response = client.post(link_in_last_email(UNSUBSCRIBE_LINK), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200


def test_opt_in_link_issued_before_an_unsubscribe_does_not_subscribe(client, submit, newsletter):
    submit(newsletter)
    old_link = link_in_last_email(CONFIRM_LINK)
    unsubscribe(client)

    response = client.post(old_link, HTTP_ORIGIN="http://testserver")

    assert response.status_code == 200
    assert "This link no longer subscribes you" in response.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED
    assert Contact.objects.get().unsubscribed_at is not None


def test_old_opt_in_link_confirms_nothing_after_unsubscribing_and_signing_up_again(
    client, submit, newsletter
):
    """The first email's link, kept since: it must not confirm the new request, nor clear the
    unsubscribe from all email. Only the link sent after the new signup does."""
    submit(newsletter)
    first_link = link_in_last_email(CONFIRM_LINK)
    client.post(first_link, HTTP_ORIGIN="http://testserver")
    unsubscribe(client)
    submit(newsletter)

    client.post(first_link, HTTP_ORIGIN="http://testserver")

    assert Subscription.objects.get().status == SubscriptionStatus.PENDING
    assert Contact.objects.get().unsubscribed_at is not None
    client.post(link_in_last_email(CONFIRM_LINK), HTTP_ORIGIN="http://testserver")
    assert Subscription.objects.get().status == SubscriptionStatus.CONFIRMED
    assert Contact.objects.get().unsubscribed_at is None


def test_opening_an_old_opt_in_link_says_so_and_offers_no_confirm_button(
    client, submit, newsletter
):
    submit(newsletter)
    old_link = link_in_last_email(CONFIRM_LINK)
    unsubscribe(client)

    html = client.get(old_link).content.decode()

    assert "This link no longer subscribes you" in html
    assert "Confirm my subscription</button>" not in html


def test_opt_in_email_is_not_sent_again_once_the_person_has_unsubscribed(
    client, submit, newsletter
):
    """A retry of an opt-in email that failed must not ask someone who has since unsubscribed."""
    submit(newsletter)
    unsubscribe(client)
    opt_in = Delivery.objects.get(kind=DeliveryKind.OPT_IN)
    Delivery.objects.filter(pk=opt_in.pk).update(status="failed")  # as after an SMTP error
    sent = len(mail.outbox)

    assert delivery_attempt(opt_in.pk) == "skipped"
    assert len(mail.outbox) == sent


# The unsubscribe page shows where the person stands --------------------------------------------


def confirmed_then_unsubscribed(client, submit, newsletter):
    submit(newsletter)
    client.post(link_in_last_email(CONFIRM_LINK), HTTP_ORIGIN="http://testserver")
    unsubscribe(client)


def resubscribe(client, origin="http://testserver"):
    return client.post(
        link_in_last_email(UNSUBSCRIBE_LINK), {"action": "resubscribe"}, HTTP_ORIGIN=origin
    )


def test_unsubscribe_page_says_you_are_unsubscribed_and_offers_to_resubscribe(
    client, submit, newsletter
):
    submit(newsletter)
    unsubscribe(client)

    html = client.get(link_in_last_email(UNSUBSCRIBE_LINK)).content.decode()

    assert "<h1>You are unsubscribed</h1>" in html
    assert "Unsubscribe</button>" not in html
    form = re.search(r'<form method="post">(.*?)</form>', html, re.S).group(1)
    assert 'name="action" value="resubscribe"' in form
    assert "Resubscribe</button>" in form


def test_resubscribing_restores_the_confirmed_newsletters(client, submit, newsletter):
    confirmed_then_unsubscribed(client, submit, newsletter)

    response = resubscribe(client)

    assert "You are subscribed again" in response.content.decode()
    assert Contact.objects.get().unsubscribed_at is None
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.unsubscribed_at is None


def test_resubscribing_does_not_confirm_a_newsletter_never_confirmed(client, submit, newsletter):
    """Double opt-in: a subscription never confirmed needs its own confirmation link."""
    submit(newsletter)
    unsubscribe(client)

    resubscribe(client)

    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED


def test_resubscribe_posted_from_another_site_is_refused(client, submit, newsletter):
    confirmed_then_unsubscribed(client, submit, newsletter)

    response = resubscribe(client, origin="https://evil.example")

    assert response.status_code == 403
    assert Contact.objects.get().unsubscribed_at is not None


def test_an_unsubscribe_link_older_than_an_opt_in_link_cannot_resubscribe(
    client, submit, newsletter
):
    """Unsubscribe links never expire; a consent may not come from an email of years ago."""
    submit(newsletter)
    client.post(link_in_last_email(CONFIRM_LINK), HTTP_ORIGIN="http://testserver")
    contact = Contact.objects.get()
    old = time.time() - OPT_IN_MAX_AGE - 3600
    url = reverse(
        "leads:unsubscribe", args=[link_token("unsubscribe", contact.reference, issued_at=old)]
    )
    client.post(url, HTTP_ORIGIN="http://testserver")  # unsubscribing still works

    html = client.get(url).content.decode()
    client.post(url, {"action": "resubscribe"}, HTTP_ORIGIN="http://testserver")

    assert "You are unsubscribed" in html
    assert "Resubscribe</button>" not in html
    assert Contact.objects.get().unsubscribed_at is not None
    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED
