"""The inbox's "Answer" filter: any choice of any CTA's questions, picked from a list."""

import re

import pytest
from django.urls import reverse

from leads.models import Status, Submission
from tests.factories import answer_form, make_form_cta, make_lead, make_user, question

pytestmark = pytest.mark.django_db

INBOX = "/admin/leads/"
TOPICS = [("seo", "Search engines"), ("ads", "Paid ads"), ("mail", "Email")]


@pytest.fixture
def sales(client):
    user = make_user("sam", "Sales")
    client.force_login(user)
    return user


@pytest.fixture
def cta():
    return make_form_cta(
        question("dropdown", "size", "Company size", property="company_size"),
        question("checkboxes", "topics", "What interests you?", choices=TOPICS),
        question("radio", "role", "Your role", choices=[("buyer", "I buy"), ("user", "I use")]),
    )


def listed(client, answer: str) -> set[int]:
    response = client.get(INBOX, {"status": "all", "answer": answer})
    assert response.status_code == 200
    return {row.pk for row in response.context["object_list"]}


def test_the_filter_offers_every_choice_of_every_ctas_questions_by_label(client, sales, cta):
    make_form_cta(question("dropdown", "industry", "Industry", property="industry"))
    html = client.get(INBOX).content.decode()
    select = html.split('name="answer"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    offered = dict(options)
    assert offered["size:11-50"] == "Company size: 11-50 people"
    assert offered["topics:mail"] == "What interests you? Email"
    assert offered["role:buyer"] == "Your role: I buy"
    assert offered["industry:software"].startswith("Industry: ")
    # The fixed quote form's questions stay on offer for older leads.
    assert offered["budget:over-50k"] == "Budget: Over $50,000"
    assert offered["timeline:now"] == "Timeline: As soon as possible"
    # Chosen from a list, never typed.
    assert '<input type="text" name="answer"' not in html


def test_filtering_on_a_single_choice(client, sales, cta):
    small = answer_form(cta, size="1-10", topics=["seo"], role="buyer")
    answer_form(cta, size="11-50", topics=["seo"], role="user")
    assert listed(client, "size:1-10") == {small.pk}
    assert listed(client, "role:user") != {small.pk}


def test_filtering_on_a_multiple_choice_matches_any_list_holding_it(client, sales, cta):
    both = answer_form(cta, size="1-10", topics=["seo", "mail"], role="buyer")
    mail = answer_form(cta, size="1-10", topics=["mail"], role="buyer")
    seo = answer_form(cta, size="1-10", topics=["seo"], role="buyer")
    assert listed(client, "topics:mail") == {both.pk, mail.pk}
    assert listed(client, "topics:seo") == {both.pk, seo.pk}
    assert listed(client, "topics:ads") == set()


def test_filtering_older_leads_on_the_legacy_budget(client, sales):
    rich = make_lead(budget="over-50k", status=Status.NEW)
    make_lead(budget="under-5k", status=Status.NEW)
    Submission.objects.filter(pk=rich.pk).update(form_version=None)
    assert listed(client, "budget:over-50k") == {rich.pk}


def test_the_chosen_answer_shows_as_a_removable_filter_under_its_label(client, sales, cta):
    answer_form(cta, size="1-10", topics=["seo"], role="buyer")
    html = client.get(INBOX, {"answer": "topics:seo"}).content.decode()
    assert "What interests you? Search engines" in html


def test_an_answer_not_offered_is_an_invalid_choice_not_a_query(client, sales, cta):
    response = client.get(INBOX, {"answer": "answers') OR 1=1 --:x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_quarantined_leads_record_shows_its_answers_under_their_labels(client, sales, cta):
    submission = answer_form(cta, size="11-50", topics=["seo", "ads"], role="buyer")
    Submission.objects.filter(pk=submission.pk).update(status=Status.SPAM)
    html = client.get(reverse("leads_inbox:inspect", args=[submission.pk])).content.decode()
    assert "What interests you? Search engines, Paid ads" in html
    assert "Company size: 11-50 people" in html
    assert "seo" not in html.split("What interests you?", 1)[1][:60]
