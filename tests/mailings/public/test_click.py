"""Tracked links: a signed redirect that counts the click, and never an open redirect."""

import uuid

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from mailings import links
from mailings.models import Click
from tests.mailings.recipients import make_send, make_subscriber

pytestmark = pytest.mark.django_db

GUIDE = "https://guides.example/landing-pages?utm_source=newsletter"


def click_path(send, url=GUIDE):
    return reverse("mailings:click", args=[links.click_token(send.reference, url)])


def test_a_click_is_counted_and_redirects_to_the_link():
    send = make_send(make_subscriber())

    response = Client().get(click_path(send))

    assert response.status_code == 302
    assert response["Location"] == GUIDE
    click = Click.objects.get()
    assert (click.send, click.url) == (send, GUIDE)
    send.refresh_from_db()
    assert send.first_clicked_at == click.clicked_at


def test_the_first_click_is_kept_and_every_click_counted():
    send = make_send(make_subscriber())
    Client().get(click_path(send))
    send.refresh_from_db()
    first = send.first_clicked_at

    Client().get(click_path(send, "https://guides.example/other"))

    send.refresh_from_db()
    assert send.first_clicked_at == first
    assert Click.objects.filter(send=send).count() == 2


def test_a_head_request_checks_the_link_without_counting_it():
    send = make_send(make_subscriber())

    response = Client().head(click_path(send))

    assert response.status_code == 302
    assert not Click.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        signing.dumps([uuid.uuid4().hex, "https://evil.example/"], salt="another.salt"),
        links.unsubscribe_token(uuid.uuid4()),
    ],
    ids=["garbage", "another-salt", "an-unsubscribe-token"],  # stable across xdist workers
)
def test_a_forged_or_broken_token_is_a_404_never_a_redirect(token):
    response = Client().get(reverse("mailings:click", args=[token]))

    assert response.status_code == 404
    assert not Click.objects.exists()


def test_a_tampered_link_is_a_404():
    send = make_send(make_subscriber())
    token = links.click_token(send.reference, GUIDE)
    reference = signing.loads(token, salt=links.CLICK_SALT)[0]
    forged = signing.dumps([reference, "https://evil.example/"], salt="x", compress=True)
    tampered = forged.split(":")[0] + ":" + token.split(":", 1)[1]

    assert Client().get(reverse("mailings:click", args=[tampered])).status_code == 404


def test_a_link_to_a_send_that_no_longer_exists_is_a_404():
    token = links.click_token(uuid.uuid4(), GUIDE)

    assert Client().get(reverse("mailings:click", args=[token])).status_code == 404


def test_only_web_links_redirect():
    send = make_send(make_subscriber())

    response = Client().get(click_path(send, "javascript:alert(1)"))

    assert response.status_code == 404
