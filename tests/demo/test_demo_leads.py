"""The demo leads (`load_demo`) and the bulk lead generator behind bench/inbox."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone
from wagtail.models import ModelLogEntry

from demo import fakes, landing
from demo.leads import demo_placements, ensure_demo_leads
from leads import services
from leads.models import (
    Campaign,
    Contact,
    CTAImpression,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DownloadEvent,
    Note,
    ScoringSettings,
    Status,
    Submission,
    Subscription,
    normalise_email,
)

SEEDED = (
    Submission,
    Contact,
    Note,
    Delivery,
    CTAImpression,
    Campaign,
    Subscription,
    DownloadEvent,
    ModelLogEntry,
)


def counts():
    return {model.__name__: model.objects.count() for model in SEEDED}


@pytest.fixture
def demo_leads(demo_site, django_capture_on_commit_callbacks):
    # Anything the seeding queued to run after its commit (an email...) runs here.
    with django_capture_on_commit_callbacks(execute=True):
        ensure_demo_leads()
    return Submission.objects.all()


@pytest.mark.django_db
def test_load_demo_seeds_leads_once_and_sends_no_email(
    site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    seeded = counts()
    assert 150 <= seeded["Submission"] <= 250
    assert Submission.objects.filter(owner__username="sales").exists()
    # The demo leads' campaigns, and one per demo landing page.
    assert seeded["CTAImpression"] and seeded["Campaign"] == 3 + len(landing.CAMPAIGNS)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    assert counts() == seeded
    assert mail.outbox == []


def test_demo_leads_cover_every_status_with_valid_reasons(demo_leads):
    assert set(demo_leads.values_list("status", flat=True)) == set(Status.values)
    assert not demo_leads.filter(status=Status.DISQUALIFIED, status_reason="").exists()
    assert not demo_leads.exclude(status=Status.NEW).filter(status_changed_at=None).exists()


def test_demo_review_queue_has_recent_new_leads(demo_leads):
    now = timezone.now()
    recent = demo_leads.filter(received_at__gte=now - datetime.timedelta(days=2))
    assert recent.filter(status=Status.NEW).count() >= 5
    assert not demo_leads.filter(received_at__lt=now - datetime.timedelta(days=91)).exists()
    assert not demo_leads.filter(received_at__gt=now).exists()


def test_demo_contacts_are_matched_on_the_normalised_email(demo_leads):
    for submission in demo_leads.exclude(status=Status.SPAM).select_related("contact"):
        assert submission.contact.email == normalise_email(submission.email)
    assert demo_leads.filter(email__startswith=" ").exists()  # typed with a stray space
    assert Contact.objects.annotate(n=Count("submissions")).filter(n__gt=1).exists()


def test_demo_spam_is_quarantined_without_contact(demo_leads):
    spam = demo_leads.filter(status=Status.SPAM)
    assert spam.count() >= 2
    assert not spam.filter(contact__isnull=False).exists()
    assert all(submission.spam_reasons for submission in spam)


def test_demo_leads_record_the_consent_text_shown(demo_leads):
    for submission in demo_leads.select_related("cta", "consent"):
        assert submission.consent_given
        assert submission.consent_text == submission.cta.consent


def test_demo_leads_come_from_pages_showing_their_cta(demo_leads):
    shown = {(p.cta.pk, p.page.pk) for p in demo_placements()}
    assert set(demo_leads.values_list("cta", "page")) <= shown


def test_demo_impressions_far_exceed_submissions_per_cta(demo_leads):
    submitted = dict(demo_leads.values_list("cta").annotate(n=Count("pk")))
    seen = dict(CTAImpression.objects.values_list("cta").annotate(n=Sum("count")))
    for cta_id, n in submitted.items():
        assert seen[cta_id] > 10 * n


def test_demo_campaigns_match_some_leads_utm_campaign(demo_leads):
    assert Campaign.objects.count() == 3
    for campaign in Campaign.objects.all():
        assert campaign.spend > 0
        assert demo_leads.filter(utm_campaign=campaign.utm_campaign).exists()
    assert demo_leads.filter(utm_source="").exists()  # not every lead has UTM parameters
    assert all(s.first_touch.get("landing_page") for s in demo_leads)


def test_demo_leads_are_shared_between_two_salespeople(demo_leads, django_user_model):
    owners = set(demo_leads.exclude(owner=None).values_list("owner__username", flat=True))
    assert owners == {"sales", "casey"}
    # The colleague signs in only once an admin gives them a password.
    assert not django_user_model.objects.get(username="casey").has_usable_password()


def test_demo_notes_and_history_carry_no_personal_data(demo_leads):
    assert Note.objects.exists()
    assert not Note.objects.filter(author=None).exists()
    emails = set(Contact.objects.values_list("email", flat=True))
    labels = set(ModelLogEntry.objects.values_list("label", flat=True))
    assert labels and all(label.startswith(("Submission #", "Contact #")) for label in labels)
    assert not labels & emails
    assert ModelLogEntry.objects.filter(action="leads.status_change").exists()


def test_demo_contacts_are_scored_and_hot_ones_were_alerted_once(demo_leads):
    assert not Contact.objects.filter(score_computed_at=None).exists()
    threshold = ScoringSettings.load().hot_threshold
    hot = Contact.objects.filter(score__gte=threshold)
    assert set(hot.values_list("pk", flat=True)) == set(
        Contact.objects.exclude(hot_notified_at=None).values_list("pk", flat=True)
    )
    alerts = Delivery.objects.filter(kind=DeliveryKind.HOT_LEAD)
    assert alerts.count() == hot.count()
    # Nothing is left for a worker to send: seeding is history, not work.
    assert not Delivery.objects.due().exists()
    assert not Delivery.objects.exclude(
        status__in=[DeliveryStatus.SENT, DeliveryStatus.GAVE_UP]
    ).exists()


def test_demo_leads_twice_adds_nothing(demo_leads):
    before = counts()
    ensure_demo_leads()
    assert counts() == before


def test_bulk_generator_writes_consistent_leads(demo_site, django_user_model):
    sales = django_user_model.objects.get(username="sales")
    placements = demo_placements()
    consents = {
        p.cta.pk: services.consent_text_for(p.cta, p.cta.consent_version).pk for p in placements
    }
    report = fakes.generate(
        contacts=200,
        submissions=600,
        placements=placements,
        owners=[sales],
        consent_ids=consents,
        batch_size=70,
        notes_share=0.2,
    )
    assert (report.contacts, report.submissions) == (200, 600)
    assert Contact.objects.count() == 200
    assert Submission.objects.count() == 600
    assert Note.objects.count() == report.notes > 0
    assert Delivery.objects.count() == report.deliveries > 0
    assert ModelLogEntry.objects.filter(action="leads.status_change").count() == report.log_entries
    assert not Contact.objects.annotate(n=Count("submissions")).filter(n=0).exists()
    for submission in Submission.objects.exclude(status=Status.SPAM).select_related("contact"):
        assert submission.contact.email == normalise_email(submission.email)
        assert submission.answers["email"] == submission.email
    assert not Submission.objects.filter(status=Status.DISQUALIFIED, status_reason="").exists()
    assert not Submission.objects.filter(status=Status.SPAM, contact__isnull=False).exists()
    assert set(Submission.objects.values_list("status", flat=True)) == set(Status.values)
    assert all(
        email.endswith(".example") for email in Contact.objects.values_list("email", flat=True)
    )
