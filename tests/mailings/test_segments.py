"""Each segment condition selects what its label says (mailings/segments.py), conditions
combine with "and", and a condition that cannot be read is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from leads.models import Contact, Status
from mailings import segments
from mailings.models import Send, SendKind
from tests.factories import make_article, make_cta, make_lead

from .people import broadcast_to, make_segment, newsletter, person

pytestmark = pytest.mark.django_db


def selected(*conditions) -> set[Contact]:
    return set(segments.segment_contacts(make_segment(*conditions)))


def contact_of(submission) -> Contact:
    return submission.contact


def test_status_selects_people_with_a_lead_in_that_status():
    qualified = contact_of(make_lead(status=Status.QUALIFIED))
    make_lead(status=Status.NEW)
    assert selected({"field": "status", "value": Status.QUALIFIED}) == {qualified}


def test_quarantined_spam_never_counts():
    make_lead(spam_reasons=["honeypot"], utm_campaign="spring")
    assert selected({"field": "utm_campaign", "value": "spring"}) == set()


def test_score_bounds():
    high = contact_of(make_lead(score=70))
    low = contact_of(make_lead(score=20))
    assert selected({"field": "score_at_least", "value": 70}) == {high}
    assert selected({"field": "score_below", "value": "70"}) == {low}


def test_kind_and_cta():
    webinar = make_cta("webinar")
    attendee = contact_of(make_lead(webinar))
    make_lead(make_cta("quote"))
    assert selected({"field": "kind", "value": "webinar"}) == {attendee}
    assert selected({"field": "cta", "value": str(webinar.pk)}) == {attendee}


def test_topic_selects_people_who_answered_on_an_article_with_that_tag(article_index):
    about = make_article(article_index, "Scoring leads", tags=["Lead scoring"])
    other = make_article(article_index, "Writing titles", tags=["Copywriting"])
    reader = contact_of(make_lead(page=about))
    make_lead(page=other)
    assert selected({"field": "topic", "value": "lead-scoring"}) == {reader}


@pytest.mark.parametrize("field", ["utm_campaign", "utm_source", "utm_medium"])
def test_utm_values_match_without_regard_to_case(field):
    came = contact_of(make_lead(**{field: "Spring-Ebook"}))
    make_lead(**{field: "autumn"})
    assert selected({"field": field, "value": "spring-ebook"}) == {came}


def test_submitted_within_days():
    recent = contact_of(make_lead(received_at=timezone.now() - datetime.timedelta(days=2)))
    make_lead(received_at=timezone.now() - datetime.timedelta(days=40))
    assert selected({"field": "submitted_within_days", "value": 7}) == {recent}


def test_built_in_property_matches_without_regard_to_case():
    acme = person(company="Acme GmbH")
    person(company="Globex")
    assert selected({"field": "property", "key": "company", "value": "acme gmbh"}) == {acme}


def test_other_property_matches_the_stored_answer():
    small = person(properties={"company_size": "11-50"})
    person(properties={"company_size": "500+"})
    person()
    condition = {"field": "property", "key": "company_size", "value": "11-50"}
    assert selected(condition) == {small}


def test_list_selects_confirmed_subscribers_only():
    from leads.models import SubscriptionStatus

    news = newsletter()
    confirmed = person(mailing_list=news)
    person(mailing_list=news, subscription=SubscriptionStatus.PENDING)
    person(mailing_list=news, subscription=SubscriptionStatus.UNSUBSCRIBED)
    person(mailing_list=newsletter("other"))
    assert selected({"field": "list", "value": news.pk}) == {confirmed}


def test_clicked_and_not_clicked_within_days():
    broadcast = broadcast_to(mailing_list=newsletter())
    clicker, old_clicker, never = person(), person(), person()
    for contact, clicked in [
        (clicker, timezone.now() - datetime.timedelta(days=1)),
        (old_clicker, timezone.now() - datetime.timedelta(days=90)),
        (never, None),
    ]:
        Send.objects.create(
            contact=contact,
            kind=SendKind.BROADCAST,
            broadcast=broadcast,
            due_at=timezone.now(),
            first_clicked_at=clicked,
        )
    assert selected({"field": "clicked_within_days", "value": 30}) == {clicker}
    assert selected({"field": "no_click_within_days", "value": 30}) == {old_clicker, never}


def test_all_conditions_must_hold_and_nobody_appears_twice():
    cta = make_cta("download")
    both = contact_of(make_lead(cta, score=80, utm_campaign="spring"))
    make_lead(cta, email=both.email, utm_campaign="spring")  # a second answer, same person
    make_lead(cta, score=80)
    make_lead(cta, score=10, utm_campaign="spring")
    found = list(
        segments.segment_contacts(
            make_segment(
                {"field": "score_at_least", "value": 50},
                {"field": "utm_campaign", "value": "spring"},
                {"field": "cta", "value": cta.pk},
            )
        )
    )
    assert found == [both]


def test_no_conditions_selects_everyone():
    people = {person(), person()}
    assert selected() == people


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "shoe_size", "value": 42}, "Unknown condition"),
        ({"field": "score_at_least", "value": ""}, "needs a value"),
        ({"field": "score_at_least", "value": "lots"}, "whole number"),
        ({"field": "property", "value": "x"}, "needs a property"),
    ],
)
def test_a_condition_that_cannot_be_read_is_refused(condition, message):
    with pytest.raises(ValidationError, match=message):
        segments.condition_q(condition)


def test_every_field_has_a_label_and_a_value_kind():
    kinds = {"status", "int", "text", "kind", "cta", "topic", "list", "property"}
    for field in segments.FIELDS.values():
        assert field.label
        assert field.value_kind in kinds
