"""The demo's email (demo/mailings.py): a newsletter already sent and one scheduled minutes
after the demo loads, a three-step nurture sequence after the eBook, and a webinar whose hour
reminder is due soon after `make run` starts; each reaches the eligible demo people only."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from demo.ctas import WEBINAR_JOINING_URL
from demo.leads import ensure_demo_leads
from demo.mailings import NURTURE_NAME, ensure_demo_mail
from leads.models import (
    Contact,
    CTAKind,
    Subscription,
    SubscriptionStatus,
    Suppression,
)
from mailings import audience
from mailings.models import (
    Broadcast,
    BroadcastStatus,
    Click,
    DelayUnit,
    Email,
    Enrolment,
    EnrolmentStatus,
    MailSettings,
    ReminderOffset,
    Send,
    SendKind,
    SendStatus,
    Sequence,
)
from mailings.sending import dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mail(demo_site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ensure_demo_leads()
        report = ensure_demo_mail(demo_site)
    report.loaded_at = timezone.now()
    return report


def within_minutes(moment, report, minutes: int) -> bool:
    """Whether it happens in the first minutes of a `make run` started as the demo loaded."""
    return report.loaded_at < moment <= report.loaded_at + datetime.timedelta(minutes=minutes)


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_demo_newsletter_list_is_the_one_the_newsletter_cta_joins(demo_mail, demo_site):
    newsletter = demo_site[CTAKind.NEWSLETTER]
    newsletter.refresh_from_db()
    assert newsletter.mailing_list.slug == "newsletter"
    assert demo_mail.subscribers == audience.list_recipients(newsletter.mailing_list).count() > 10


def test_loading_the_demo_email_sends_nothing_and_twice_adds_nothing(demo_mail, demo_site):
    models = (Email, Broadcast, Send, Click, Sequence, Enrolment, Suppression)
    counts = {model: model.objects.count() for model in models}

    again = ensure_demo_mail(demo_site)

    assert {model: model.objects.count() for model in models} == counts
    assert again.newsletter_at == demo_mail.newsletter_at and again.webinar_at is None
    assert mail.outbox == []


def test_demo_sender_has_a_postal_address(demo_mail):
    mail_settings = MailSettings.load()
    assert mail_settings.from_email and mail_settings.postal_address


def test_last_months_newsletter_was_sent_with_clicks_a_bounce_and_unsubscribes(demo_mail):
    sent = Broadcast.objects.get(status=BroadcastStatus.SENT)
    sends = sent.sends.all()
    assert sent.audience_size == sends.count() > 10
    assert set(sends.values_list("status", flat=True)) == {SendStatus.SENT}
    assert Click.objects.filter(send__broadcast=sent).exists()
    assert sends.filter(first_clicked_at__isnull=False).count() < sends.count()
    clicker = sends.filter(first_clicked_at__isnull=False).first().contact
    assert clicker.engagement_now() > 0, "a demo click counts for engagement, as a real one"
    (bounced,) = sends.filter(bounced_at__isnull=False)
    assert Suppression.objects.filter(email=bounced.contact.email).exists()
    unsubscribed = sends.filter(unsubscribed_at__isnull=False)
    assert unsubscribed.count() == 2
    for send in unsubscribed:
        assert send.contact.unsubscribed_at is not None
        assert send.contact.consent_records.filter(given=False, source="unsubscribe").exists()


def test_scheduled_newsletter_goes_to_eligible_subscribers_only(demo_mail):
    upcoming = Broadcast.objects.get(status=BroadcastStatus.SCHEDULED)
    assert upcoming.mailing_list.slug == "newsletter"
    assert upcoming.scheduled_for == demo_mail.newsletter_at
    assert within_minutes(upcoming.scheduled_for, demo_mail, 5)
    newsletter = upcoming.mailing_list
    eligible = set(audience.list_recipients(newsletter).values_list("email", flat=True))
    subscribed = Subscription.objects.filter(mailing_list=newsletter)
    pending = set(
        subscribed.filter(status=SubscriptionStatus.PENDING).values_list(
            "contact__email", flat=True
        )
    )
    unsubscribed = set(
        Contact.objects.filter(unsubscribed_at__isnull=False).values_list("email", flat=True)
    )
    suppressed = set(Suppression.objects.values_list("email", flat=True))
    assert pending and unsubscribed and suppressed

    dispatch.drain(now=upcoming.scheduled_for + datetime.timedelta(seconds=1))

    upcoming.refresh_from_db()
    assert upcoming.status == BroadcastStatus.SENT and upcoming.audience_size == len(eligible)
    newsletters = [m for m in mail.outbox if m.subject == upcoming.email.subject]
    assert {address for m in newsletters for address in m.to} == eligible
    assert len(newsletters) == len(eligible)
    assert not eligible & (pending | unsubscribed | suppressed)
    assert all("List-Unsubscribe" in m.extra_headers for m in newsletters)


def test_demo_nurture_has_three_steps_after_the_ebook_and_one_due_within_minutes(
    demo_mail, demo_site
):
    sequence = Sequence.objects.get(name=NURTURE_NAME)
    steps = list(sequence.steps.all())
    assert sequence.trigger_cta == demo_site[CTAKind.DOWNLOAD]
    assert [(s.delay, s.delay_unit) for s in steps] == [
        (1, DelayUnit.HOURS),
        (2, DelayUnit.DAYS),
        (5, DelayUnit.DAYS),
    ]
    assert len({step.email_id for step in steps}) == 3
    enrolled = Contact.objects.filter(enrolments__sequence=sequence)
    assert audience.marketable(enrolled).count() == enrolled.count() > 0
    soon = Enrolment.objects.get(next_due_at=demo_mail.nurture_at)
    assert within_minutes(demo_mail.nurture_at, demo_mail, 5)
    assert soon.next_step == 0 and soon.status == EnrolmentStatus.ACTIVE

    at = demo_mail.nurture_at + datetime.timedelta(seconds=1)
    dispatch.drain(now=at)

    first = [m for m in mail.outbox if m.subject == steps[0].email.subject]
    assert [m.to for m in first] == [[soon.contact.email]]
    first_name = soon.contact.name.split()[0] if soon.contact.name else "there"
    assert f"Hi {first_name}," in first[0].body  # the greeting's merge field, filled
    soon.refresh_from_db()
    assert soon.next_step == 1
    assert soon.next_due_at == at + datetime.timedelta(days=2)


def test_demo_webinar_sends_its_hour_reminder_to_registrants_soon_after_the_demo_starts(
    demo_mail, demo_site
):
    webinar = demo_site[CTAKind.WEBINAR]
    webinar.refresh_from_db()
    assert webinar.joining_url == WEBINAR_JOINING_URL
    assert webinar.event_starts_at == demo_mail.webinar_at
    registrants = set(webinar.seat_holders().values_list("email", flat=True))
    assert registrants
    reminded = Send.objects.filter(kind=SendKind.REMINDER, event_starts_at=webinar.event_starts_at)
    assert set(reminded.values_list("reminder", "status")) == {
        (ReminderOffset.DAY, SendStatus.SENT)
    }

    hour_before = webinar.event_starts_at - datetime.timedelta(hours=1)
    assert within_minutes(hour_before, demo_mail, 10)
    dispatch.drain(now=hour_before - datetime.timedelta(seconds=30))
    assert not [m for m in mail.outbox if m.subject.endswith("starts in about an hour")]
    dispatch.drain(now=hour_before + datetime.timedelta(seconds=1))

    # A bounced address gets no reminder either: the suppression list holds for every email.
    reachable = registrants - set(Suppression.objects.values_list("email", flat=True))
    reminders = [m for m in mail.outbox if m.subject.endswith("starts in about an hour")]
    assert {address for m in reminders for address in m.to} == reachable
    assert len(reminders) == len(reachable)
    assert all(WEBINAR_JOINING_URL in m.body for m in reminders)
    assert not [m for m in mail.outbox if " starts tomorrow" in m.subject]
