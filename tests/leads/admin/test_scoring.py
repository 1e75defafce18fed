"""The scoring rules in the admin (leads/admin/scoring.py): sales read them, managers edit
them, editors see none."""

# The menu path is written as sales read it, with its arrow.
# ruff: noqa: RUF001

import pytest
from django.urls import reverse

from leads.admin.scoring import condition_key
from leads.models import ScoringRule
from tests.factories import answer_form, capture_lead, log_in, make_cta, make_form_cta, question


def rule_form(rule, **changes):
    return {
        "condition": condition_key(rule.signal, rule.field, rule.value),
        "points": rule.points,
        "label": rule.label,
        "decays": "on" if rule.decays else "",
    } | changes


@pytest.mark.django_db
def test_sales_see_the_rules_but_cannot_change_them(client):
    log_in(client, "sales")
    quote = ScoringRule.objects.get(signal="cta_kind", value="quote")

    listing = client.get(reverse("leads_scoring:index"))
    edit = client.post(reverse("leads_scoring:edit", args=[quote.pk]), rule_form(quote, points=99))
    add = client.get(reverse("leads_scoring:add"))

    assert listing.status_code == 200
    content = listing.content.decode()
    assert "Quote request" in content and "+40" in content
    assert reverse("leads_scoring:edit", args=[quote.pk]) not in content
    assert "Settings › Scoring settings" in content
    assert "/admin/settings/leads/scoringsettings/" not in content
    assert edit.status_code == 302 and edit.url == reverse("wagtailadmin_home")
    assert add.status_code == 302
    quote.refresh_from_db()
    assert quote.points == 40


@pytest.mark.django_db
def test_managers_edit_rules(client, django_capture_on_commit_callbacks):
    log_in(client, "manager")
    contact = capture_lead(make_cta("quote")).submission.contact
    quote = ScoringRule.objects.get(signal="cta_kind", value="quote")

    listing = client.get(reverse("leads_scoring:index"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("leads_scoring:edit", args=[quote.pk]), rule_form(quote, points=50)
        )

    assert "/admin/settings/leads/scoringsettings/" in listing.content.decode()
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.points == 50
    contact.refresh_from_db()
    assert contact.score == 60  # recomputed in a task after the change


@pytest.mark.django_db
def test_rule_must_name_something_the_scorer_matches(client):
    log_in(client, "manager")

    response = client.post(
        reverse("leads_scoring:add"),
        {"condition": "cta_kind::quotes", "points": 10, "label": "typo"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ScoringRule.objects.filter(label="typo").exists()


@pytest.mark.django_db
def test_rule_form_offers_each_answer_as_a_labelled_choice(client):
    log_in(client, "manager")

    content = client.get(reverse("leads_scoring:add")).content.decode()

    assert '<optgroup label="Budget">' in content
    assert f'value="{condition_key("answer", "budget", "over-50k")}"' in content
    assert "Budget: Over $50,000</option>" in content
    assert '<input type="text" name="value"' not in content


@pytest.mark.django_db
def test_answer_rule_stores_the_code_and_its_label_defaults_to_the_choice(client):
    log_in(client, "manager")
    ScoringRule.objects.filter(signal="answer", field="timeline", value="exploring").delete()

    response = client.post(
        reverse("leads_scoring:add"),
        {"condition": "answer:timeline:exploring", "points": -5, "label": ""},
    )

    assert response.status_code == 302
    rule = ScoringRule.objects.get(signal="answer", field="timeline", value="exploring")
    assert (rule.points, rule.label) == (-5, "Timeline: Just exploring")


@pytest.mark.django_db
def test_a_second_rule_for_the_same_answer_is_refused(client):
    log_in(client, "manager")

    response = client.post(
        reverse("leads_scoring:add"),
        {"condition": "answer:budget:over-50k", "points": 5, "label": "again"},
    )

    assert response.status_code == 200
    assert "There is already a rule for Budget: Over $50,000" in response.content.decode()
    assert ScoringRule.objects.filter(field="budget", value="over-50k").count() == 1


@pytest.mark.django_db
def test_seeded_rules_read_capitalised():
    labels = set(ScoringRule.objects.values_list("label", flat=True))

    assert {"Quote request", "Download", "Budget over $50k", "Buying now"} <= labels
    assert all(label[0].isupper() for label in labels)


@pytest.mark.django_db
def test_editors_see_no_scoring(client):
    log_in(client, "editor")

    listing = client.get(reverse("leads_scoring:index"), follow=True)
    dashboard = client.get(reverse("wagtailadmin_home"))

    assert listing.request["PATH_INFO"] == reverse("wagtailadmin_home")
    assert "quote request" not in listing.content.decode()
    assert "Scoring rules" not in dashboard.content.decode()


@pytest.mark.django_db
def test_sales_find_scoring_rules_in_the_leads_menu(client):
    log_in(client, "sales")

    dashboard = client.get(reverse("wagtailadmin_home"))

    assert "Scoring rules" in dashboard.content.decode()


TOPICS = [("seo", "Search engines"), ("ads", "Paid ads")]


@pytest.mark.django_db
def test_rule_form_offers_the_choice_questions_of_every_ctas_form(client):
    log_in(client, "manager")
    make_form_cta(question("checkboxes", "topics", "What interests you?", choices=TOPICS))
    make_form_cta(question("radio", "role", "Your role", choices=[("buyer", "I buy")]))

    content = client.get(reverse("leads_scoring:add")).content.decode()

    assert '<optgroup label="What interests you?">' in content
    assert f'value="{condition_key("answer", "topics", "ads")}"' in content
    assert "What interests you? Paid ads</option>" in content
    assert "Your role: I buy</option>" in content
    assert "Budget: Over $50,000</option>" in content  # the fixed forms' stay


@pytest.mark.django_db
def test_a_rule_on_a_ticked_box_scores_the_contacts_who_ticked_it(
    client, django_capture_on_commit_callbacks
):
    log_in(client, "manager")
    cta = make_form_cta(
        question("checkboxes", "topics", "What interests you?", choices=TOPICS), kind="download"
    )
    ticked = answer_form(cta, topics=["seo", "ads"], email="t@acme.example")
    other = answer_form(cta, topics=["seo"], email="o@acme.example")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("leads_scoring:add"),
            {"condition": "answer:topics:ads", "points": 30, "label": ""},
        )

    assert response.status_code == 302
    assert ScoringRule.objects.get(field="topics").label == "What interests you? Paid ads"
    ticked.contact.refresh_from_db()
    other.contact.refresh_from_db()
    assert ticked.contact.score - other.contact.score == 30
    assert ["What interests you? Paid ads", 30] in ticked.contact.score_explanation
