"""The scoring rules in the admin (leads/admin/scoring.py): sales read them, managers edit
them, editors see none."""

# The menu path is written as sales read it, with its arrow.
# ruff: noqa: RUF001

import pytest
from django.urls import reverse

from leads.models import ScoringRule
from tests.factories import capture_lead, log_in, make_cta


def rule_form(rule, **changes):
    return {
        "signal": rule.signal,
        "field": rule.field,
        "value": rule.value,
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
    assert "quote request" in content and "+40" in content
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
        {"signal": "cta_kind", "field": "", "value": "quotes", "points": 10, "label": "typo"},
    )

    assert response.status_code == 200
    assert "Write one of the CTA kinds" in response.content.decode()
    assert not ScoringRule.objects.filter(label="typo").exists()


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
