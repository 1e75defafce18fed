"""Email engagement: 10 points a click, halving every 30 days, computed from the clicks and
read on the contact and in segments."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads.models import Contact
from mailings import engagement, links
from mailings.models import Click, Segment
from mailings.segments import segment_contacts
from tests.mailings.recipients import make_send, make_subscriber

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def click_at(send, moment):
    click = Click.objects.create(send=send, url="https://guides.example/")
    Click.objects.filter(pk=click.pk).update(clicked_at=moment)


def test_a_click_is_worth_ten_points_that_halve_every_thirty_days():
    now = timezone.now()
    contact = make_subscriber()
    send = make_send(contact)
    click_at(send, now)
    click_at(send, now - 30 * DAY)
    click_at(send, now - 60 * DAY)

    engagement.engagement_recompute(contact)

    contact.refresh_from_db()
    assert contact.engagement_now(now) == pytest.approx(10 + 5 + 2.5)


def test_engagement_decays_without_being_recomputed():
    now = timezone.now()
    contact = make_subscriber()
    click_at(make_send(contact), now)
    engagement.engagement_recompute(contact)
    contact.refresh_from_db()

    assert contact.engagement_now(now + 30 * DAY) == pytest.approx(5)
    assert contact.engagement_now(now + 90 * DAY) == pytest.approx(1.25)


def test_a_click_through_a_tracked_link_raises_the_engagement():
    contact = make_subscriber()
    send = make_send(contact)
    token = links.click_token(send.reference, "https://guides.example/")

    Client().get(reverse("mailings:click", args=[token]))
    Client().get(reverse("mailings:click", args=[token]))

    contact.refresh_from_db()
    assert contact.engagement_now() == pytest.approx(20, rel=1e-3)


def test_a_segment_selects_people_by_engagement_today():
    now = timezone.now()
    keen, lapsed, silent = make_subscriber(), make_subscriber(), make_subscriber()
    for _ in range(2):
        click_at(make_send(keen), now - DAY)
    click_at(make_send(lapsed), now - 120 * DAY)  # 10 points then, 0.6 today
    for contact in (keen, lapsed, silent):
        engagement.engagement_recompute(contact)
    segment = Segment.objects.create(
        name="Engaged readers", conditions=[{"field": "engagement_at_least", "value": "15"}]
    )

    assert list(segment_contacts(segment)) == [keen]
    assert set(Contact.objects.engaged(0.5)) == {keen, lapsed}
