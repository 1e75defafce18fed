"""Lead scoring: what each rule is worth, decay, the explanation sales read, when scores are
recomputed, the hot-lead alert (once), and who may see or edit the rules."""

# Explanations are written as sales read them: the times sign, the real minus sign, and the
# menu path with its arrow.
# ruff: noqa: RUF001

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from leads import services
from leads.models import (
    Contact,
    Delivery,
    DeliveryKind,
    LeadSettings,
    ScoringRule,
    ScoringSettings,
    Status,
)
from leads.scoring import compute, domain_class, explain
from tests.factories import capture_lead, log_in, make_cta, make_user

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
FREE = frozenset({"gmail.com", "yahoo.com"})
LEAD = "ana@acme.example"


def rule(signal, value="", points=10, label=None, *, field="", decays=False):
    return SimpleNamespace(
        signal=signal, field=field, value=value, points=points, label=label or value, decays=decays
    )


RULES = [
    rule("cta_kind", "quote", 40, "quote request", decays=True),
    rule("cta_kind", "download", 15, "download", decays=True),
    rule("cta_kind", "newsletter", 5, "newsletter signup", decays=True),
    rule("repeat", "", 5, "repeat engagement", decays=True),
    rule("email_domain", "business", 10, "business domain"),
    rule("email_domain", "free", -5, "free-mail address"),
    rule("answer", "over-50k", 25, "budget over $50k", field="budget"),
    rule("answer", "5k-20k", 5, "budget $5k to $20k", field="budget"),
    rule("answer", "now", 15, "buying now", field="timeline"),
]


def engagement(kind="download", days_ago=0.0, status=Status.NEW, erased=False, **answers):
    return SimpleNamespace(
        cta_kind=kind,
        answers=answers,
        received_at=NOW - datetime.timedelta(days=days_ago),
        status=status,
        erased_at=NOW if erased else None,
    )


def score(*submissions, domain="acme.example", rules=RULES, half_life=30):
    return compute(
        domain=domain,
        submissions=submissions,
        rules=rules,
        half_life_days=half_life,
        free_domains=FREE,
        now=NOW,
    )


# The computation -------------------------------------------------------------------------


def test_cta_kind_rule_counts_once_per_submission():
    result = score(engagement("download"), engagement("download"), domain="")

    assert result.explanation[0] == ("download ×2", 30)


def test_quote_counts_more_than_newsletter():
    assert score(engagement("quote")).points > score(engagement("newsletter")).points


def test_repeat_engagement_counts_each_submission_after_the_first():
    result = score(engagement("newsletter"), engagement("newsletter"), engagement("newsletter"))

    assert ("repeat engagement ×2", 10) in result.explanation
    assert result.points == 15 + 10 + 10


def test_engagement_points_halve_after_one_half_life():
    result = score(engagement("quote", days_ago=30), domain="")

    assert result.points == 20
    assert result.explanation == [("quote request", 40), ("decay", -20)]


def test_decay_follows_the_age_of_each_engagement():
    # The download came first; the quote is the repeat engagement, 15 days old like its rule:
    # 15 * 0.5 ** (60 / 30) = 3.75, (40 + 5) * 0.5 ** (15 / 30) = 31.82: 35.57 in all.
    result = score(engagement("quote", days_ago=15), engagement("download", days_ago=60), domain="")

    assert result.points == 36
    assert result.explanation[-1] == ("decay", 36 - 40 - 15 - 5)


def test_score_rounds_half_up():
    # 5 points after one half-life: 2.5, which Python's round() would make 2.
    result = score(engagement("newsletter", days_ago=30), domain="")

    assert result.points == 3


def test_business_domain_scores_over_free_mail():
    business = score(engagement("newsletter"), domain="acme.example")
    free = score(engagement("newsletter"), domain="gmail.com")

    assert ("business domain", 10) in business.explanation
    assert ("free-mail address", -5) in free.explanation
    assert business.points - free.points == 15


def test_subdomain_of_a_free_mail_domain_is_free_mail():
    assert domain_class("eu.gmail.com", FREE) == "free"
    assert domain_class("gmail.com.acme.example", FREE) == "business"


def test_domain_rule_never_decays():
    decaying_domain = [rule("email_domain", "business", 10, "business domain", decays=True)]

    assert score(engagement(days_ago=300), rules=decaying_domain).points == 10


def test_answer_rule_counts_once_even_when_given_twice():
    result = score(engagement("quote", budget="over-50k"), engagement("quote", budget="over-50k"))

    assert ("budget over $50k", 25) in result.explanation


def test_latest_answer_to_a_field_is_the_one_that_counts():
    result = score(
        engagement("quote", days_ago=20, budget="over-50k", timeline="now"),
        engagement("quote", days_ago=1, budget="5k-20k"),
    )

    labels = [label for label, _ in result.explanation]
    assert "budget $5k to $20k" in labels
    assert "budget over $50k" not in labels
    assert "buying now" in labels  # not answered since: still the latest timeline


def test_spam_and_erased_submissions_do_not_count():
    result = score(
        engagement("quote", status=Status.SPAM),
        engagement("quote", erased=True),
        engagement("newsletter"),
    )

    assert result.points == 5 + 10
    assert "quote request" not in dict(result.explanation)


def test_contact_without_live_engagement_scores_zero():
    assert score(engagement("quote", status=Status.SPAM)).points == 0
    assert score().explanation == []


def test_explanation_reads_as_sales_expect():
    assert (
        explain([("quote request", 40), ("business domain", 10), ("decay", -6)])
        == "quote request +40, business domain +10, decay \u22126"
    )


def test_explanation_lines_add_up_to_the_score():
    result = score(
        engagement("quote", days_ago=45, budget="over-50k"),
        engagement("download", days_ago=3),
        domain="gmail.com",
    )

    assert sum(points for _, points in result.explanation) == result.points
    assert str(result).startswith("quote request +40, budget over $50k +25, download +15")


# Stored scores ----------------------------------------------------------------------------


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
    assert contact.score_explanation == [["download", 15], ["business domain", 10]]
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
        "download ×2 +30, business domain +10, repeat engagement +5"
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
    assert "quote request +40" in alert.body
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
    assert contact.score_explanation[-1] == ["decay", -7]


@pytest.mark.django_db
def test_recompute_works_in_batches(monkeypatch):
    monkeypatch.setattr(services.scoring, "SCORE_BATCH", 2)
    cta = make_cta("newsletter")
    for n in range(5):
        capture_lead(cta, email=f"person{n}@acme.example")

    assert services.scores_recompute() == 5
    assert set(Contact.objects.values_list("score", flat=True)) == {15}


# Who sees and edits the rules -------------------------------------------------------------


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
