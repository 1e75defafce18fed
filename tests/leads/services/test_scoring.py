"""Stored scores (leads/services/scoring.py): refreshed by each lead's follow-up, recomputed
when the rules or settings change, and the hot-lead alert (once, to the right person)."""

# Explanations are written as sales read them, with the times sign.
# ruff: noqa: RUF001

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from leads import services
from leads.models import (
    Contact,
    Delivery,
    DeliveryKind,
    LeadSettings,
    ScoringRule,
    ScoringSettings,
)
from leads.scoring import explain
from tests.factories import capture_lead, make_cta, make_user

LEAD = "ana@acme.example"


def alerts():
    return [m for m in mail.outbox if m.subject.startswith("Hot lead")]


@pytest.fixture
def hot_quote(db):
    """A quote that reaches the seeded threshold (60): 40 + 10 + 25 + 15 = 90."""
    return make_cta("quote")


@pytest.mark.django_db
def test_refresh_saves_score_and_explanation():
    contact = capture_lead(make_cta("download"), email=LEAD).submission.contact

    services.contact_score_refresh(contact=contact)

    contact.refresh_from_db()
    assert contact.score == 25
    assert contact.score_explanation == [["Download", 15], ["Business domain", 10]]
    assert contact.score_computed_at is not None
    assert contact.hot_notified_at is None


@pytest.mark.django_db
def test_new_submission_is_rescored_by_its_follow_up(post_lead):
    post_lead(make_cta("download"))
    assert Contact.objects.get().score == 25

    post_lead(make_cta("download"))  # another download: +15, and +5 for coming back

    contact = Contact.objects.get()
    assert contact.score == 45
    assert explain(contact.score_explanation) == (
        "Download ×2 +30, Business domain +10, Repeat engagement +5"
    )


@pytest.mark.django_db
def test_hot_lead_alerts_the_sales_inbox_once_without_personal_data(
    post_lead, hot_quote, django_capture_on_commit_callbacks
):
    post_lead(hot_quote, name="Zoë Quartermaine", budget="over-50k", timeline="now")
    contact = Contact.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_score_refresh(contact=contact)
        services.contact_score_refresh(contact=contact)

    (alert,) = alerts()
    assert alert.to == [LeadSettings.load().notify_address()]
    assert alert.subject == f"Hot lead: Contact #{contact.pk} scored 90"
    for personal in ("Zoë", "Quartermaine", "acme", "Acme", "ana"):
        assert personal not in alert.subject
    assert f"http://testserver/admin/leads/contacts/{contact.pk}/" in alert.body
    assert "Quote request +40" in alert.body
    contact.refresh_from_db()
    assert contact.hot_notified_at is not None
    assert Delivery.objects.get(kind=DeliveryKind.HOT_LEAD).status == "sent"


@pytest.mark.django_db
def test_second_process_finding_the_lead_hot_does_not_alert_again(hot_quote):
    contact = capture_lead(hot_quote, budget="over-50k", timeline="now").submission.contact
    stale = Contact.objects.get(pk=contact.pk)  # another process read it before the alert

    services.contact_score_refresh(contact=contact)
    services.contact_score_refresh(contact=stale)

    assert Delivery.objects.filter(kind=DeliveryKind.HOT_LEAD).count() == 1


@pytest.mark.django_db
def test_hot_lead_alert_goes_to_the_owner_of_the_latest_open_submission(
    post_lead, hot_quote, django_capture_on_commit_callbacks
):
    cta_owner = make_user("cta-owner", email="cta-owner@site.example")
    hot_quote.owner = cta_owner
    hot_quote.save()
    seller = make_user("seller", "Sales", email="seller@site.example")
    submission = capture_lead(hot_quote, budget="over-50k").submission  # 75: hot
    services.submission_assign(submission=submission, owner=seller, by=None)

    with django_capture_on_commit_callbacks(execute=True):
        services.contact_score_refresh(contact=submission.contact)

    (alert,) = alerts()
    assert alert.to == ["seller@site.example"]


@pytest.mark.django_db
def test_hot_lead_alert_without_an_owner_goes_to_the_cta_owner(
    hot_quote, django_capture_on_commit_callbacks
):
    hot_quote.owner = make_user("cta-owner", "Sales", email="cta@site.example")
    hot_quote.save()
    contact = capture_lead(hot_quote, budget="over-50k").submission.contact

    with django_capture_on_commit_callbacks(execute=True):
        services.contact_score_refresh(contact=contact)

    (alert,) = alerts()
    assert alert.to == ["cta@site.example"]


@pytest.mark.django_db
def test_lead_below_the_threshold_is_not_alerted(post_lead):
    post_lead(make_cta("quote"))  # 40 + 10: under 60

    assert alerts() == []
    assert Contact.objects.get().hot_notified_at is None


@pytest.mark.django_db
def test_rule_change_recomputes_every_contact(django_capture_on_commit_callbacks):
    cta = make_cta("download")
    capture_lead(cta, email="one@acme.example")
    capture_lead(cta, email="two@acme.example")
    download = ScoringRule.objects.get(signal="cta_kind", value="download")

    with django_capture_on_commit_callbacks(execute=True):
        download.points = 30
        download.save()

    assert sorted(Contact.objects.values_list("score", flat=True)) == [40, 40]


@pytest.mark.django_db
def test_deleting_a_rule_recomputes_scores(django_capture_on_commit_callbacks):
    contact = capture_lead(make_cta("download")).submission.contact

    with django_capture_on_commit_callbacks(execute=True):
        ScoringRule.objects.get(signal="email_domain", value="business").delete()

    contact.refresh_from_db()
    assert contact.score == 15


@pytest.mark.django_db
def test_lowering_the_threshold_alerts_leads_now_hot(django_capture_on_commit_callbacks):
    capture_lead(make_cta("download"))  # 25
    config = ScoringSettings.load()

    with django_capture_on_commit_callbacks(execute=True):
        config.hot_threshold = 20
        config.save()

    assert len(alerts()) == 1


@pytest.mark.django_db
def test_score_contacts_command_applies_decay():
    submission = capture_lead(make_cta("download")).submission
    submission.received_at -= datetime.timedelta(days=29)
    submission.save(update_fields=["received_at"])
    out = io.StringIO()

    call_command("score_contacts", stdout=out)

    assert out.getvalue() == "Scores recomputed: 1 contact.\n"
    contact = Contact.objects.get()
    assert contact.score == 18  # 15 * 0.5 ** (29 / 30) = 7.67, + 10 for the domain
    assert contact.score_explanation[-1] == ["Decay", -7]


@pytest.mark.django_db
def test_recompute_works_in_batches(monkeypatch):
    monkeypatch.setattr(services.scoring, "SCORE_BATCH", 2)
    cta = make_cta("newsletter")
    for n in range(5):
        capture_lead(cta, email=f"person{n}@acme.example")

    assert services.scores_recompute() == 5
    assert set(Contact.objects.values_list("score", flat=True)) == {15}
