"""A visitor answers a form an editor built: steps, conditions, hidden fields, contact
properties and consent by purpose, with and without JavaScript."""

import re

import pytest
from django.urls import reverse

from leads.models import ConsentRecord, Contact, Submission
from tests.factories import (
    BUILDER_ANSWERS,
    lead_form_data,
    make_article,
    make_builder_cta,
    make_cta,
)

pytestmark = pytest.mark.django_db


def submit(client, cta, data, **headers):
    return client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN="http://testserver", **headers
    )


def fetch(client, cta, data):
    return submit(client, cta, data, HTTP_X_REQUESTED_WITH="leadsite")


def test_without_javascript_every_step_is_on_the_page_under_its_legend(client):
    cta = make_builder_cta()
    html = client.get(f"/leads/cta/{cta.pk}/").content.decode()
    assert html.count('class="lead-form__step"') == 2
    assert "Step 1 of 2" in html
    assert "Step 2 of 2: About your project" in html
    # The conditional question is there too, saying when it applies.
    assert 'name="which_crm"' in html
    assert "Only if “Do you use a CRM today?” is Yes." in html


def test_a_hidden_field_is_never_in_the_page(client):
    cta = make_builder_cta()
    html = client.get(f"/leads/cta/{cta.pk}/").content.decode()
    assert 'name="campaign"' not in html


def test_a_whole_form_sent_at_once_is_captured_with_every_answer(client):
    cta = make_builder_cta()
    response = submit(client, cta, lead_form_data(cta))
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert submission.answers["company_size"] == "11-50"
    assert submission.answers["which_crm"] == "hubspot"
    assert submission.form_version.vocabulary.labels["company_size"][0] == "Company size"


def test_contact_properties_are_filled_from_the_answers(client):
    cta = make_builder_cta()
    submit(client, cta, lead_form_data(cta))
    contact = Contact.objects.get()
    assert contact.name == "Ana Lima"  # first and last name make the name
    assert contact.company == "Acme"
    assert contact.properties["company_size"] == "11-50"
    assert contact.properties["first_name"] == "Ana"


def test_a_later_answer_updates_one_property_and_keeps_the_others(client):
    cta = make_builder_cta()
    submit(client, cta, lead_form_data(cta))
    submit(client, cta, lead_form_data(cta, company_size="51-200", message="Again."))
    contact = Contact.objects.get()
    assert contact.properties["company_size"] == "51-200"
    assert contact.properties["last_name"] == "Lima"


def test_an_answer_to_a_question_hidden_by_its_condition_is_not_stored(client):
    cta = make_builder_cta()
    submit(client, cta, lead_form_data(cta, uses_crm="no", which_crm="salesforce"))
    assert "which_crm" not in Submission.objects.get().answers


def test_a_question_shown_by_its_condition_must_be_answered(client):
    cta = make_builder_cta()
    response = submit(client, cta, lead_form_data(cta, uses_crm="yes", which_crm=""))
    assert response.status_code == 400
    assert "Which CRM?: This field is required." in response.content.decode()
    assert not Submission.objects.exists()


def test_a_conditional_question_left_empty_is_fine_when_it_does_not_apply(client):
    cta = make_builder_cta()
    data = lead_form_data(cta, uses_crm="no")
    del data["which_crm"]
    assert submit(client, cta, data).status_code == 303


def test_next_checks_only_the_first_step_and_shows_the_second(client):
    cta = make_builder_cta()
    first_step = {
        name: BUILDER_ANSWERS[name] for name in ("first_name", "last_name", "email", "company")
    }
    data = lead_form_data(cta) | {"through_step": "0"}
    for name in set(BUILDER_ANSWERS) - set(first_step):
        data.pop(name, None)
    response = fetch(client, cta, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-current-step="1"' in html
    assert "form-errors" not in html
    assert 'value="Acme"' in html  # answers so far travel with the form
    assert not Submission.objects.exists()


def test_next_with_an_error_stays_on_its_step_with_the_error(client):
    cta = make_builder_cta()
    data = lead_form_data(cta, email="not an address") | {"through_step": "0"}
    response = fetch(client, cta, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-current-step="0"' in html
    assert "Work email: Enter an email address like name@company.com." in html
    assert "Budget" not in re.search(r'<div class="form-errors".*?</div>', html, re.S)[0]


def test_a_step_number_a_visitor_makes_up_reads_as_the_whole_form(client):
    cta = make_builder_cta()
    response = submit(client, cta, lead_form_data(cta) | {"through_step": "99"})
    assert response.status_code == 303
    assert Submission.objects.count() == 1


def test_the_hidden_campaign_field_takes_the_visits_utm_campaign(client, article_index):
    cta = make_builder_cta()
    article = make_article(article_index)
    data = lead_form_data(cta, page=article, campaign="chosen-by-visitor")
    submit(client, cta, data, HTTP_REFERER=f"http://testserver{article.url}?utm_campaign=spring")
    assert Submission.objects.get().answers["campaign"] == "spring"


def test_a_fixed_hidden_value_cannot_be_changed_by_the_visitor(client):
    questions = [
        {
            "type": "email",
            "value": {"name": "email", "label": "Email", "property": "email", "required": True},
        },
        {
            "type": "hidden",
            "value": {"name": "offer", "label": "Offer", "source": "fixed", "value": "q4-audit"},
        },
        {
            "type": "hidden",
            "value": {"name": "click", "label": "Ad click", "source": "query", "value": "gclid"},
        },
    ]
    cta = make_builder_cta(questions)
    data = lead_form_data(cta, offer="free-stuff", click="forged")
    submit(client, cta, data, HTTP_REFERER="http://testserver/offer/?gclid=abc123")
    answers = Submission.objects.get().answers
    assert answers["offer"] == "q4-audit"
    assert answers["click"] == "abc123"


def test_each_consent_purpose_is_recorded_given_or_refused_with_its_words(client):
    cta = make_builder_cta()
    submit(client, cta, lead_form_data(cta))  # the marketing box left empty
    submit(client, cta, lead_form_data(cta, consent_marketing="on", message="Twice."))
    records = list(ConsentRecord.objects.order_by("pk"))
    assert [(r.purpose, r.given) for r in records] == [("marketing", False), ("marketing", True)]
    assert records[1].text.text.startswith("Also send me The Qualified Lead")
    assert records[1].contact == Contact.objects.get()


def test_a_required_consent_left_empty_is_refused_with_a_clear_error(client):
    download = make_cta("download")
    response = submit(client, download, lead_form_data(download, consent=""))
    assert response.status_code == 400
    assert "Tick the box to agree, so that we may reply." in response.content.decode()


def test_checkbox_answers_are_stored_as_a_list_of_codes(client):
    questions = [
        {
            "type": "email",
            "value": {"name": "email", "label": "Email", "property": "email", "required": True},
        },
        {
            "type": "checkboxes",
            "value": {
                "name": "topics",
                "label": "Topics",
                "required": True,
                "choices": [
                    {"label": "Scoring", "value": "scoring"},
                    {"label": "Forms", "value": "forms"},
                ],
            },
        },
    ]
    cta = make_builder_cta(questions)
    submit(client, cta, lead_form_data(cta, topics=["scoring", "forms"]))
    assert Submission.objects.get().answers["topics"] == ["scoring", "forms"]


def test_typed_answers_are_checked_and_stored_as_text(client):
    questions = [
        {
            "type": "email",
            "value": {"name": "email", "label": "Email", "property": "email", "required": True},
        },
        {
            "type": "number",
            "value": {
                "name": "seats",
                "label": "Seats",
                "required": True,
                "min_value": "1",
                "max_value": "500",
            },
        },
        {"type": "date", "value": {"name": "start", "label": "Start date", "required": True}},
        {
            "type": "country",
            "value": {
                "name": "country",
                "label": "Country",
                "property": "country",
                "required": True,
            },
        },
    ]
    cta = make_builder_cta(questions)
    bad = submit(client, cta, lead_form_data(cta, seats="900", start="31/02", country="XX"))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Seats: Ensure this value is less than or equal to 500." in html
    assert "Start date: Enter a date like 2027-03-31." in html
    ok = submit(client, cta, lead_form_data(cta, seats="12.50", start="2027-03-31", country="DE"))
    assert ok.status_code == 303
    answers = Submission.objects.get().answers
    assert answers == {
        "email": "ana@acme.example",
        "seats": "12.5",
        "start": "2027-03-31",
        "country": "DE",
    }
    assert Contact.objects.get().country == "DE"


def test_fields_carry_the_type_and_autocomplete_a_browser_needs(client):
    cta = make_builder_cta()
    html = client.get(f"/leads/cta/{cta.pk}/").content.decode()
    assert re.search(r'<input type="text" name="first_name"[^>]*autocomplete="given-name"', html)
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', html)
    assert re.search(
        r'<fieldset class="field__choices"[^>]*>\s*'
        r'<legend class="field__legend">Do you use a CRM today\?',
        html,
    )
