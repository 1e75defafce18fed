"""Who may get marketing email (mailings/audience.py): the latest word in the consent ledger,
no unsubscribe, no suppression, and for a list a confirmed subscription."""

import datetime

import pytest
from django.utils import timezone

from leads.models import SubscriptionStatus, SuppressionReason
from mailings import audience

from .people import consent, make_segment, newsletter, person, suppress

pytestmark = pytest.mark.django_db


def recipients_of(mailing_list):
    return set(audience.list_recipients(mailing_list))


def test_a_confirmed_subscriber_who_said_yes_is_on_the_list():
    reader = person(mailing_list=newsletter())
    assert recipients_of(newsletter()) == {reader}


def test_an_unconfirmed_subscriber_gets_nothing():
    person(mailing_list=newsletter(), subscription=SubscriptionStatus.PENDING)
    assert recipients_of(newsletter()) == set()


def test_a_subscriber_who_left_the_list_gets_nothing():
    person(mailing_list=newsletter(), subscription=SubscriptionStatus.UNSUBSCRIBED)
    assert recipients_of(newsletter()) == set()


def test_someone_on_another_list_gets_nothing():
    person(mailing_list=newsletter("product-news"))
    assert recipients_of(newsletter()) == set()


def test_the_latest_word_on_marketing_counts():
    earlier = timezone.now() - datetime.timedelta(days=3)
    withdrew = person(mailing_list=newsletter())  # yes now ...
    consent(withdrew, False)  # ... then no, later
    came_back = person(mailing_list=newsletter(), marketing=None)
    consent(came_back, False, at=earlier)
    consent(came_back, True)
    assert recipients_of(newsletter()) == {came_back}


def test_a_no_for_one_list_leaves_the_others():
    news, product = newsletter(), newsletter("product-news")
    reader = person(mailing_list=news)
    person(mailing_list=product, marketing=None)
    consent(reader, False, mailing_list=product)
    assert recipients_of(news) == {reader}
    assert recipients_of(product) == set()


def test_a_yes_for_the_list_itself_is_enough():
    news = newsletter()
    reader = person(mailing_list=news, marketing=None)
    consent(reader, True, mailing_list=news)
    assert recipients_of(news) == {reader}


def test_a_no_to_all_marketing_after_a_yes_for_the_list_wins():
    news = newsletter()
    reader = person(mailing_list=news, marketing=None)
    consent(reader, True, mailing_list=news, at=timezone.now() - datetime.timedelta(days=1))
    consent(reader, False)
    assert recipients_of(news) == set()


def test_nobody_without_a_word_on_marketing():
    person(mailing_list=newsletter(), marketing=None)
    assert recipients_of(newsletter()) == set()


def test_someone_unsubscribed_from_everything_gets_nothing():
    person(mailing_list=newsletter(), unsubscribed_at=timezone.now())
    assert recipients_of(newsletter()) == set()


@pytest.mark.parametrize("reason", list(SuppressionReason))
def test_a_suppressed_address_gets_nothing(reason):
    suppress(person(mailing_list=newsletter()), reason)
    assert recipients_of(newsletter()) == set()


def test_a_segment_goes_to_its_people_who_may_get_marketing_email():
    big = person(score=80)
    person(score=80, marketing=False)
    person(score=80, unsubscribed_at=timezone.now())
    suppress(person(score=80))
    person(score=10)
    segment = make_segment({"field": "score_at_least", "value": 50})
    assert set(audience.segment_recipients(segment)) == {big}


def test_a_broadcast_goes_to_its_list_or_its_segment():
    from .people import broadcast_to

    on_list = person(mailing_list=newsletter())
    in_segment = person(score=90)
    assert set(audience.broadcast_recipients(broadcast_to(mailing_list=newsletter()))) == {on_list}
    segment = make_segment({"field": "score_at_least", "value": 50})
    assert set(audience.broadcast_recipients(broadcast_to(segment=segment))) == {in_segment}


def test_each_recipient_appears_once_whatever_their_history():
    reader = person(mailing_list=newsletter())
    for _ in range(3):
        consent(reader, True)
    assert list(audience.list_recipients(newsletter())) == [reader]
