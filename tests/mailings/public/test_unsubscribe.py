"""One-click unsubscribe (RFC 8058) from an email: the provider's POST unsubscribes at once,
a GET (a mail scanner, a person's click) only asks."""

import pytest
from django.test import Client
from django.urls import reverse

from leads.models import ConsentRecord, SubscriptionStatus
from mailings import links
from mailings.models import Enrolment, EnrolmentStatus, Sequence, SequenceTrigger
from tests.mailings.recipients import make_list, make_send, make_subscriber

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def unsubscribe_path(send):
    return reverse("mailings:unsubscribe", args=[links.unsubscribe_token(send.reference)])


def provider_post(path):
    """What Gmail or Yahoo sends for the Unsubscribe button: a bare POST, no cookie, no CSRF
    token, no Origin."""
    return Client(enforce_csrf_checks=True).post(
        path, ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def enrol(contact):
    sequence = Sequence.objects.create(name="After the eBook", trigger=SequenceTrigger.MANUAL)
    return Enrolment.objects.create(sequence=sequence, contact=contact)


def test_one_click_post_from_the_provider_unsubscribes_at_once():
    contact = make_subscriber(lists=[make_list()])
    enrolment = enrol(contact)
    send = make_send(contact)

    response = provider_post(unsubscribe_path(send))

    assert response.status_code == 200
    contact.refresh_from_db()
    send.refresh_from_db()
    enrolment.refresh_from_db()
    assert contact.unsubscribed_at is not None
    assert send.unsubscribed_at is not None
    assert contact.subscriptions.get().status == SubscriptionStatus.UNSUBSCRIBED
    assert enrolment.status == EnrolmentStatus.EXITED
    assert enrolment.exit_reason == "unsubscribed"
    record = ConsentRecord.objects.filter(contact=contact).latest("recorded_at", "pk")
    assert (record.purpose, record.given, record.source) == ("marketing", False, "unsubscribe")
    assert record.submission is None and record.mailing_list is None
    assert record.text.text.startswith("Unsubscribe from all newsletters and marketing email")


def test_the_page_shows_the_wording_it_records():
    send = make_send(make_subscriber())
    page = Client().get(unsubscribe_path(send)).content.decode()

    Client().post(unsubscribe_path(send), {"List-Unsubscribe": "One-Click"})

    record = ConsentRecord.objects.get(contact=send.contact, given=False)
    assert record.text.text in page


def test_a_get_never_unsubscribes_and_offers_the_button_and_preferences():
    send = make_send(make_subscriber())

    response = Client().get(unsubscribe_path(send))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="List-Unsubscribe" value="One-Click"' in html
    assert "/email/preferences/" in html
    send.contact.refresh_from_db()
    assert send.contact.unsubscribed_at is None
    assert not ConsentRecord.objects.filter(contact=send.contact, given=False).exists()


def test_unsubscribing_twice_records_it_once():
    send = make_send(make_subscriber())
    provider_post(unsubscribe_path(send))
    send.refresh_from_db()
    first = send.unsubscribed_at

    response = provider_post(unsubscribe_path(send))

    assert response.status_code == 200
    send.refresh_from_db()
    assert send.unsubscribed_at == first
    assert ConsentRecord.objects.filter(contact=send.contact, given=False).count() == 1


def test_the_button_on_the_page_unsubscribes_and_says_so():
    send = make_send(make_subscriber())

    response = Client().post(unsubscribe_path(send), {"List-Unsubscribe": "One-Click"})

    assert "You are unsubscribed" in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        links.unsubscribe_token(__import__("uuid").uuid4()),  # signed, but no such send
        "0" * 32 + ":forgedsignature",
    ],
    ids=["not-a-token", "no-such-send", "forged"],  # stable across xdist workers
)
def test_a_forged_or_unknown_token_is_a_404_page(token):
    make_send(make_subscriber())
    path = reverse("mailings:unsubscribe", args=[token])

    assert Client().get(path).status_code == 404
    assert provider_post(path).status_code == 404


def test_a_tampered_token_is_a_404():
    send = make_send(make_subscriber())
    path = unsubscribe_path(send)
    tampered = path.replace(
        send.reference.hex[:4], "ffff" if send.reference.hex[:4] != "ffff" else "0000"
    )

    assert provider_post(tampered).status_code == 404
    send.contact.refresh_from_db()
    assert send.contact.unsubscribed_at is None


def test_a_post_from_another_site_is_refused():
    send = make_send(make_subscriber())

    response = Client().post(
        unsubscribe_path(send),
        {"List-Unsubscribe": "One-Click"},
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    send.contact.refresh_from_db()
    assert send.contact.unsubscribed_at is None


def test_a_post_without_the_one_click_body_changes_nothing():
    send = make_send(make_subscriber())

    response = provider_post_body(unsubscribe_path(send), "")

    assert response.status_code == 400
    send.contact.refresh_from_db()
    assert send.contact.unsubscribed_at is None


def provider_post_body(path, body):
    return Client().post(path, body, content_type="application/x-www-form-urlencoded")


def test_the_unsubscribed_page_links_preferences_as_old_as_the_email():
    """The preference link on the page is dated like the email, so an old email's unsubscribe
    link gives no fresh link to resubscribe with."""
    import datetime

    from django.utils import timezone

    from leads.capture.tokens import read_link_token

    sent = timezone.now() - datetime.timedelta(days=90)
    send = make_send(make_subscriber(), sent_at=sent, due_at=sent)

    response = Client().get(unsubscribe_path(send))

    token = response.context["preferences_url"].rstrip("/").rsplit("/", 1)[-1]
    link = read_link_token("preferences", token, max_age=None)
    assert abs(link.issued_at - sent.timestamp()) < 1
