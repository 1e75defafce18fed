"""The preference centre: reached from every email's signed link without signing in; lists
joined and left, all email stopped and resumed, each change in the consent ledger with the
wording shown."""

import datetime
import time

import pytest
from django.test import Client
from django.urls import reverse

from leads.capture.tokens import OPT_IN_MAX_AGE, link_token
from leads.models import ConsentRecord, Subscription, SubscriptionStatus
from mailings.models import Enrolment, EnrolmentStatus, Sequence, SequenceTrigger
from tests.mailings.recipients import make_list, make_subscriber

pytestmark = pytest.mark.django_db


def preferences_path(contact, *, age=0.0):
    issued_at = time.time() - age
    token = link_token("preferences", contact.reference, issued_at=issued_at)
    return reverse("mailings:preferences", args=[token])


OLD = OPT_IN_MAX_AGE + 24 * 3600


@pytest.fixture
def lists():
    return (
        make_list("newsletter", "The newsletter", description="One email a month."),
        make_list("events", "Event invitations", description="Webinars near you."),
    )


def latest_record(contact):
    return ConsentRecord.objects.filter(contact=contact).latest("recorded_at", "pk")


def test_the_page_shows_the_public_lists_and_which_the_person_is_on(lists):
    newsletter, _ = lists
    make_list("internal", "Staff digest", public=False)
    contact = make_subscriber("ana.lopez@example.com", lists=[newsletter])

    response = Client().get(preferences_path(contact))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The newsletter" in html and "One email a month." in html
    assert "Event invitations" in html
    assert "Staff digest" not in html
    form = response.context["form"]
    assert form["list_newsletter"].value() is True
    assert form["list_events"].value() is False
    assert "Unsubscribe from all email" in html
    # The address, masked: enough to recognise, little to whoever the link was forwarded to.
    assert "a***@example.com" in html
    assert "ana.lopez@example.com" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_joining_a_list_confirms_at_once_and_records_the_wording(lists):
    newsletter, events = lists
    contact = make_subscriber(lists=[newsletter])
    path = preferences_path(contact)
    page = Client().get(path).content.decode()

    response = Client().post(
        path, {"action": "lists", "list_newsletter": "on", "list_events": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{path}?done=saved"
    subscription = Subscription.objects.get(contact=contact, mailing_list=events)
    assert subscription.status == SubscriptionStatus.CONFIRMED
    record = latest_record(contact)
    assert (record.source, record.given, record.mailing_list) == ("preferences", True, events)
    assert record.submission is None
    assert record.text.text == "Email me: Event invitations (Webinars near you.)"
    # Each part of the wording was on the page the person saw.
    for part in ("Email me:", "Event invitations", "Webinars near you."):
        assert part in page
    assert "Your choices are saved." in Client().get(response["Location"]).content.decode()


def test_leaving_a_list_records_a_refusal_for_that_list(lists):
    newsletter, events = lists
    contact = make_subscriber(lists=[newsletter, events])

    Client().post(preferences_path(contact), {"action": "lists", "list_events": "on"})

    assert Subscription.objects.get(contact=contact, mailing_list=newsletter).status == (
        SubscriptionStatus.UNSUBSCRIBED
    )
    assert Subscription.objects.get(contact=contact, mailing_list=events).status == (
        SubscriptionStatus.CONFIRMED
    )
    record = latest_record(contact)
    assert (record.given, record.mailing_list, record.source) == (False, newsletter, "preferences")
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None


def test_saving_without_a_change_records_nothing(lists):
    newsletter, _ = lists
    contact = make_subscriber(lists=[newsletter])
    before = ConsentRecord.objects.count()

    Client().post(preferences_path(contact), {"action": "lists", "list_newsletter": "on"})

    assert ConsentRecord.objects.count() == before


def test_unsubscribe_from_all_email(lists):
    newsletter, _ = lists
    contact = make_subscriber(lists=[newsletter])
    sequence = Sequence.objects.create(name="Nurture", trigger=SequenceTrigger.MANUAL)
    enrolment = Enrolment.objects.create(sequence=sequence, contact=contact)
    path = preferences_path(contact)

    response = Client().post(path, {"action": "unsubscribe"})

    assert response["Location"] == f"{path}?done=unsubscribed"
    contact.refresh_from_db()
    assert contact.unsubscribed_at is not None
    assert contact.subscriptions.get().status == SubscriptionStatus.UNSUBSCRIBED
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.EXITED
    record = latest_record(contact)
    assert (record.given, record.mailing_list, record.source) == (False, None, "preferences")
    page = Client().get(response["Location"]).content.decode()
    assert "You are unsubscribed from all email" in page
    assert "Resubscribe" in page


def test_resubscribe_with_a_recent_link(lists):
    newsletter, _ = lists
    contact = make_subscriber(lists=[newsletter])
    path = preferences_path(contact)
    Client().post(path, {"action": "unsubscribe"})

    response = Client().post(path, {"action": "resubscribe"})

    assert response["Location"] == f"{path}?done=resubscribed"
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None
    assert contact.subscriptions.get().status == SubscriptionStatus.CONFIRMED
    record = latest_record(contact)
    assert (record.given, record.mailing_list, record.source) == (True, None, "preferences")
    assert record.text.text.startswith("Resubscribe: send me newsletters")


def test_an_old_link_cannot_resubscribe_and_the_page_says_why(lists):
    newsletter, _ = lists
    contact = make_subscriber(lists=[newsletter])
    Client().post(preferences_path(contact), {"action": "unsubscribe"})
    old = preferences_path(contact, age=OLD)

    page = Client().get(old).content.decode()
    Client().post(old, {"action": "resubscribe"})

    assert "too old to subscribe you again" in page
    assert 'value="resubscribe"' not in page
    contact.refresh_from_db()
    assert contact.unsubscribed_at is not None


def test_an_old_link_may_leave_lists_but_not_join_them(lists):
    newsletter, events = lists
    contact = make_subscriber(lists=[newsletter])
    old = preferences_path(contact, age=OLD)

    page = Client().get(old).content.decode()
    Client().post(old, {"action": "lists", "list_events": "on"})

    assert "to join one, open the link in a recent email" in page
    assert not Subscription.objects.filter(contact=contact, mailing_list=events).exists()
    assert Subscription.objects.get(contact=contact, mailing_list=newsletter).status == (
        SubscriptionStatus.UNSUBSCRIBED
    )


def test_joining_a_list_the_person_left_long_ago_confirms_it_again(lists):
    newsletter, _ = lists
    contact = make_subscriber(lists=[newsletter])
    Subscription.objects.filter(contact=contact).update(
        status=SubscriptionStatus.PENDING, confirmed_at=None
    )

    Client().post(preferences_path(contact), {"action": "lists", "list_newsletter": "on"})

    subscription = Subscription.objects.get(contact=contact)
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.confirmed_at is not None


@pytest.mark.parametrize("token", ["forged", "abc.def:ghi"])
def test_a_forged_link_is_a_404(token):
    path = reverse("mailings:preferences", args=[token])

    assert Client().get(path).status_code == 404
    assert Client().post(path, {"action": "unsubscribe"}).status_code == 404


def test_a_link_made_for_another_purpose_is_a_404():
    contact = make_subscriber()
    token = link_token("unsubscribe", contact.reference)

    assert Client().get(reverse("mailings:preferences", args=[token])).status_code == 404


def test_a_change_posted_from_another_site_is_refused(lists):
    contact = make_subscriber(lists=[lists[0]])

    response = Client().post(
        preferences_path(contact), {"action": "unsubscribe"}, HTTP_ORIGIN="https://evil.example"
    )

    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None


def test_the_link_in_an_email_years_old_still_opens_the_page(lists):
    contact = make_subscriber(lists=[lists[0]])
    years = datetime.timedelta(days=3 * 365).total_seconds()

    assert Client().get(preferences_path(contact, age=years)).status_code == 200
