"""The same person sending the same form again: a webinar seat is a person, not a submission;
repeats within a day add no score (and so no hot-lead alert); a client told to slow down
(429) is told for how long (Retry-After)."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from leads.models import Contact, Delivery, DeliveryKind, Status, Submission
from leads.scoring import REPEAT_WINDOW, compute, explain
from tests.factories import lead_form_data, make_article, make_cta
from tests.leads.capture.test_impressions import SAME_SITE, token_for

pytestmark = pytest.mark.django_db


def register(client, cta, **answers):
    return client.post(
        reverse("leads:submit", args=[cta.pk]),
        lead_form_data(cta, **answers),
        HTTP_ORIGIN="http://testserver",
    )


# Webinar seats are people -----------------------------------------------------------------


def test_registering_twice_takes_one_seat(client):
    cta = make_cta("webinar", seat_limit=2)
    assert register(client, cta).status_code == 303
    assert register(client, cta, name="Ana L.").status_code == 303  # the form sent again

    assert cta.seats_taken() == 1
    # The second seat is still there for someone else.
    assert register(client, cta, email="bo@other.example").status_code == 303
    assert cta.seats_taken() == 2


def test_registered_person_sending_the_form_again_is_not_told_the_webinar_is_full(client):
    cta = make_cta("webinar", seat_limit=1)
    assert register(client, cta).status_code == 303

    again = register(client, cta, email="Ana@Acme.example", company="Acme Ltd")
    stranger = register(client, cta, email="bo@other.example")

    assert again.status_code == 303
    assert stranger.status_code == 409
    assert Submission.objects.filter(contact__email="ana@acme.example").count() == 2


def test_quarantined_and_erased_registrations_hold_no_seat(client):
    cta = make_cta("webinar", seat_limit=1)
    register(client, cta, website="http://spam.example")  # the honeypot: quarantined
    assert cta.seats_taken() == 0
    register(client, cta)
    Submission.objects.filter(status=Status.NEW).update(erased_at=timezone.now())

    assert cta.seats_taken() == 0
    assert register(client, cta, email="bo@other.example").status_code == 303


# Repeats add no score ---------------------------------------------------------------------


def test_four_downloads_in_a_second_score_once_and_alert_no_one(post_lead):
    cta = make_cta("download")
    for name in ("Ana", "Ana L", "Ana Lima", "A. Lima"):  # four distinct posts, one person
        assert post_lead(cta, name=name).status_code == 303

    contact = Contact.objects.get()
    assert contact.submissions.count() == 4  # every lead is kept
    assert explain(contact.score_explanation) == "Download +15, Business domain +10"
    assert contact.score == 25
    assert contact.hot_notified_at is None
    assert not Delivery.objects.filter(kind=DeliveryKind.HOT_LEAD).exists()


def engagements_score(*engagements) -> str:
    """The explanation of a contact with these (cta id, seconds after the first) downloads."""
    start = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    submissions = [
        SimpleNamespace(
            cta_id=cta_id,
            cta_kind="download",
            answers={},
            received_at=start + datetime.timedelta(seconds=seconds),
            status=Status.NEW,
            erased_at=None,
        )
        for cta_id, seconds in engagements
    ]
    rules = [
        SimpleNamespace(
            signal="cta_kind", field="", value="download", points=15, label="download", decays=False
        ),
        SimpleNamespace(
            signal="repeat", field="", value="", points=5, label="repeat", decays=False
        ),
    ]
    return str(
        compute(
            domain="",
            submissions=submissions,
            rules=rules,
            half_life_days=30,
            free_domains=(),
            now=start,
        )
    )


def test_repeats_of_one_cta_count_once_per_window_and_other_ctas_count_apart():
    window = int(REPEAT_WINDOW.total_seconds())
    assert engagements_score((1, 0), (1, 0), (1, 1), (1, window - 1)) == "download +15"
    assert engagements_score((1, 0), (2, 0)) == "download \u00d72 +30, repeat +5"
    assert engagements_score((1, 0), (1, window)) == "download \u00d72 +30, repeat +5"


def test_same_download_a_day_later_counts_again(post_lead):
    cta = make_cta("download")
    post_lead(cta)
    Submission.objects.update(received_at=timezone.now() - datetime.timedelta(days=1, minutes=1))

    post_lead(cta, name="Ana L.")

    explanation = explain(Contact.objects.get().score_explanation)
    assert explanation.startswith("Download \u00d72 +30, Business domain +10, Repeat engagement +5")


# Every 429 says when to come back ---------------------------------------------------------


@override_settings(LEAD_RATE_LIMITS="ip=2/h,email=1/m")
def test_rate_limited_form_says_when_to_retry(client):
    cta = make_cta("quote")
    for n in range(2):
        register(client, cta, email=f"p{n}@acme.example")

    response = register(client, cta, email="p3@acme.example")

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"  # the longest window: every counter has expired


@override_settings(LEAD_IMPRESSIONS_PER_IP_HOUR=1)
def test_rate_limited_impression_beacon_says_when_to_retry(client, article_index):

    cta = make_cta("quote")
    token = token_for(cta, make_article(article_index, "Seen"))
    url = reverse("leads:seen", args=[cta.pk])
    assert client.post(url, {"token": token}, **SAME_SITE).status_code == 204

    response = client.post(url, {"token": token}, **SAME_SITE)

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
