"""Sequences and webinar reminders as the workers run them (mailings/sending/schedule.py), sent
to a real SMTP server (aiosmtpd). Time is driven by the `now` given to the dispatcher."""

import datetime
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from leads import services
from leads.models import Status, Suppression, email_digest
from mailings import sequences
from mailings.models import (
    Enrolment,
    EnrolmentStatus,
    MailSettings,
    Send,
    SendStatus,
    SequenceTrigger,
)
from mailings.sending import dispatch, schedule
from tests.factories import capture_lead, make_cta, make_user
from tests.mailings.sequencing import (
    lead_with_consent,
    make_email,
    make_sequence,
    marketable_contact,
    marketing_cta,
    messages,
    smtp,
    text_of,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def mail():
    with smtp() as collector:
        yield collector


# Enrolment by a CTA ---------------------------------------------------------------------------


def test_a_submission_to_the_trigger_cta_enrols_its_person_if_they_gave_marketing_consent():
    cta = marketing_cta()
    sequence = make_sequence(trigger=SequenceTrigger.CTA, trigger_cta=cta)
    yes = lead_with_consent(cta, consent=True)
    no = lead_with_consent(cta, consent=False)
    elsewhere = lead_with_consent()  # another CTA

    assert schedule.tick()["enrolled"] == 1
    enrolment = Enrolment.objects.get(sequence=sequence)
    assert enrolment.contact == yes.contact and enrolment.submission == yes
    assert not Enrolment.objects.filter(contact__in=[no.contact, elsewhere.contact]).exists()


def test_a_person_is_enrolled_once_however_often_they_send_the_form():
    cta = marketing_cta()
    sequence = make_sequence(trigger=SequenceTrigger.CTA, trigger_cta=cta)
    first = lead_with_consent(cta, email="ana@acme.example")
    schedule.tick()
    lead_with_consent(cta, email="ana@acme.example")
    schedule.tick(timezone.now() + HOUR)
    assert list(Enrolment.objects.filter(sequence=sequence).values_list("contact", flat=True)) == [
        first.contact_id
    ]


def test_submissions_from_before_the_sequence_existed_never_enrol():
    cta = marketing_cta()
    lead_with_consent(cta)
    make_sequence(trigger=SequenceTrigger.CTA, trigger_cta=cta)
    assert schedule.tick()["enrolled"] == 0


def test_an_inactive_sequence_enrols_nobody():
    cta = marketing_cta()
    make_sequence(trigger=SequenceTrigger.CTA, trigger_cta=cta, active=False)
    lead_with_consent(cta)
    assert schedule.tick()["enrolled"] == 0


# Steps after their delay ----------------------------------------------------------------------


def test_a_step_is_sent_after_its_delay_and_not_before(mail):
    cta = marketing_cta()
    sequence = make_sequence(
        {"delay": 2, "delay_unit": "days", "email": make_email(subject="Your first tip")},
        {"delay": 3, "delay_unit": "hours", "email": make_email(subject="Your second tip")},
        trigger=SequenceTrigger.CTA,
        trigger_cta=cta,
    )
    submission = lead_with_consent(cta, email="ana@acme.example")
    start = timezone.now()
    dispatch.drain(start)
    assert Enrolment.objects.filter(sequence=sequence, contact=submission.contact).exists()

    dispatch.drain(start + 2 * DAY - MINUTE)
    assert mail.envelopes == []

    dispatch.drain(start + 2 * DAY + MINUTE)
    assert mail.recipients == ["ana@acme.example"]
    assert messages(mail)[0]["Subject"] == "Your first tip"

    dispatch.drain(start + 2 * DAY + 3 * HOUR)  # three hours after the first went: not yet
    assert len(mail.envelopes) == 1
    dispatch.drain(start + 2 * DAY + 3 * HOUR + 2 * MINUTE)
    assert [m["Subject"] for m in messages(mail)] == ["Your first tip", "Your second tip"]
    enrolment = Enrolment.objects.get(sequence=sequence)
    assert enrolment.status == EnrolmentStatus.COMPLETED and enrolment.next_due_at is None

    dispatch.drain(start + 30 * DAY)  # nothing more, ever
    assert len(mail.envelopes) == 2


def test_each_step_carries_one_click_unsubscribe(mail):
    contact = marketable_contact(email="ana@acme.example")
    sequence = make_sequence({"delay": 0})
    sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    dispatch.drain(timezone.now() + MINUTE)
    (message,) = messages(mail)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/email/" in message["List-Unsubscribe"]


@override_settings(TIME_ZONE="Europe/Berlin")
def test_the_sending_window_moves_a_step_to_its_next_opening(mail):
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    contact = marketable_contact(email="ana@acme.example")
    sequence = make_sequence(
        {
            "delay": 1,
            "delay_unit": "hours",
            "window_start": datetime.time(9),
            "window_end": datetime.time(17),
        }
    )
    evening = datetime.datetime(2030, 3, 5, 20, 0, tzinfo=berlin)
    schedule.enrol(
        sequence=sequence, contacts=type(contact).objects.filter(pk=contact.pk), now=evening
    )
    enrolment = Enrolment.objects.get(sequence=sequence)
    assert enrolment.next_due_at == datetime.datetime(2030, 3, 6, 9, 0, tzinfo=berlin)

    dispatch.drain(evening + HOUR + MINUTE)  # the step's delay is over, the window is closed
    assert mail.envelopes == []
    dispatch.drain(datetime.datetime(2030, 3, 6, 9, 1, tzinfo=berlin))
    assert mail.recipients == ["ana@acme.example"]


def test_a_step_inside_its_window_goes_after_its_delay():
    step = make_sequence(
        {"window_start": datetime.time(9), "window_end": datetime.time(17)}
    ).steps.get()
    noon = datetime.datetime(2030, 3, 5, 12, 0, tzinfo=datetime.UTC)
    assert schedule.in_window(noon, step) == noon
    assert schedule.in_window(noon.replace(hour=7), step) == noon.replace(hour=9)
    assert schedule.in_window(noon.replace(hour=18), step) == noon.replace(day=6, hour=9)


# Leaving: unsubscribe, qualification, sales ------------------------------------------------------


def test_a_step_is_skipped_after_an_unsubscribe_and_the_person_leaves(mail):
    contact = marketable_contact(email="ana@acme.example")
    sequence = make_sequence({"delay": 1, "delay_unit": "days"}, {"delay": 1})
    start = timezone.now()
    sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    services.contact_unsubscribe(contact=contact)

    dispatch.drain(start + 3 * DAY)
    assert mail.envelopes == []
    enrolment = Enrolment.objects.get(sequence=sequence)
    assert (enrolment.status, enrolment.exit_reason) == (EnrolmentStatus.EXITED, "unsubscribed")


def test_a_step_already_queued_is_not_sent_after_an_unsubscribe(mail):
    contact = marketable_contact(email="ana@acme.example")
    sequence = make_sequence({"delay": 0})
    sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    schedule.tick(timezone.now() + MINUTE)  # queued, not sent yet
    assert Send.objects.get().status == SendStatus.QUEUED

    services.contact_unsubscribe(contact=contact)
    dispatch.drain(timezone.now() + 2 * MINUTE)
    assert mail.envelopes == []
    assert Send.objects.get().status == SendStatus.SKIPPED


def test_enrolments_exit_ends_every_sequence_at_once(mail):
    contact = marketable_contact()
    first, second = make_sequence({"delay": 0}, {"delay": 1}), make_sequence({"delay": 2})
    sequences.enrolment_add(sequence=first, contact=contact, by=None)
    sequences.enrolment_add(sequence=second, contact=contact, by=None)
    schedule.tick(timezone.now() + MINUTE)  # the first one's step is queued

    assert sequences.enrolments_exit(contact=contact, reason="unsubscribed") == 2
    assert set(Enrolment.objects.values_list("status", "exit_reason")) == {
        (EnrolmentStatus.EXITED, "unsubscribed")
    }
    assert Send.objects.get().status == SendStatus.CANCELLED
    dispatch.drain(timezone.now() + 5 * DAY)
    assert mail.envelopes == []


@pytest.mark.parametrize(
    ("status", "reason"), [(Status.QUALIFIED, "qualified"), (Status.HANDED_OFF, "handed off")]
)
def test_a_step_is_not_sent_after_a_qualification(mail, status, reason):
    sales = make_user("sam", "Sales")
    submission = lead_with_consent(email="ana@acme.example")
    sequence = make_sequence({"delay": 1}, {"delay": 1})
    sequences.enrolment_add(sequence=sequence, contact=submission.contact, by=sales)
    start = timezone.now()

    services.submission_set_status(submission=submission, to=Status.QUALIFIED, by=sales)
    if status == Status.HANDED_OFF:
        Enrolment.objects.update(status=EnrolmentStatus.ACTIVE, exit_reason="", ended_at=None)
        services.submission_set_status(submission=submission, to=Status.HANDED_OFF, by=sales)

    enrolment = Enrolment.objects.get(sequence=sequence)
    assert (enrolment.status, enrolment.exit_reason) == (EnrolmentStatus.EXITED, reason)
    dispatch.drain(start + 5 * DAY)
    assert mail.envelopes == []


def test_a_status_change_that_fails_leaves_the_enrolment_alone():
    sales = make_user("sam", "Sales")
    submission = lead_with_consent()
    sequence = make_sequence({"delay": 1})
    sequences.enrolment_add(sequence=sequence, contact=submission.contact, by=sales)
    with pytest.raises(ValidationError):  # new -> handed off is not a move the workflow allows
        services.submission_set_status(submission=submission, to=Status.HANDED_OFF, by=sales)
    assert Enrolment.objects.get().status == EnrolmentStatus.ACTIVE


def test_pause_holds_the_steps_and_resume_sends_them(mail):
    contact = marketable_contact(email="ana@acme.example")
    sequence = make_sequence({"delay": 1, "delay_unit": "days"})
    start = timezone.now()
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    sequences.enrolment_pause(enrolment=enrolment, by=None)

    dispatch.drain(start + 3 * DAY)
    assert mail.envelopes == []

    sequences.enrolment_resume(enrolment=enrolment, by=None)
    dispatch.drain(start + 3 * DAY)  # overdue: at once
    assert mail.recipients == ["ana@acme.example"]


def test_a_step_queued_when_paused_goes_out_on_resuming_not_before(mail):
    contact = marketable_contact(email="ana@acme.example")
    sequence = make_sequence({"delay": 0}, {"delay": 2})
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    now = timezone.now() + MINUTE
    schedule.tick(now)  # step 1 queued
    sequences.enrolment_pause(enrolment=enrolment, by=None)
    dispatch.drain(now + MINUTE)
    assert mail.envelopes == []

    sequences.enrolment_resume(enrolment=enrolment, by=None)
    dispatch.drain(timezone.now() + 2 * MINUTE)
    assert len(mail.envelopes) == 1
    assert Enrolment.objects.get().next_step == 1


def test_removed_people_get_no_more_steps(mail):
    contact = marketable_contact()
    sequence = make_sequence({"delay": 1})
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    sequences.enrolment_remove(enrolment=enrolment, by=None)
    dispatch.drain(timezone.now() + 5 * DAY)
    assert mail.envelopes == []
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.exit_reason) == (
        EnrolmentStatus.EXITED,
        "removed by sales",
    )


# Manual enrolment and the status trigger ---------------------------------------------------------


def test_sales_add_someone_by_hand_and_the_first_step_follows(mail):
    contact = marketable_contact(email="ana@acme.example")
    sequence = make_sequence({"delay": 2, "delay_unit": "hours"})
    start = timezone.now()
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    dispatch.drain(start + HOUR)
    assert mail.envelopes == []
    dispatch.drain(start + 2 * HOUR + MINUTE)
    assert mail.recipients == ["ana@acme.example"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no consent", "may not get marketing email"),
        ("inactive", "switched off"),
        ("twice", "sent once per person"),
    ],
)
def test_adding_by_hand_is_refused_with_the_reason(setup, message):
    contact = (
        lead_with_consent(consent=False).contact if setup == "no consent" else marketable_contact()
    )
    sequence = make_sequence({"delay": 1}, active=setup != "inactive")
    if setup == "twice":
        sequences.enrolment_add(sequence=sequence, contact=contact, by=None)
    with pytest.raises(ValidationError, match=message):
        sequences.enrolment_add(sequence=sequence, contact=contact, by=None)


def test_a_move_to_the_trigger_status_enrols_the_person(mail):
    sales = make_user("sam", "Sales")
    sequence = make_sequence(
        {"delay": 0, "email": make_email(subject="Not now? Here is what to read")},
        trigger=SequenceTrigger.STATUS,
        trigger_status=Status.DISQUALIFIED,
    )
    submission = lead_with_consent(email="ana@acme.example")
    refused = lead_with_consent(consent=False)
    services.submission_set_status(
        submission=submission, to=Status.DISQUALIFIED, by=sales, reason="Not now"
    )
    services.submissions_set_status(
        submissions=[refused], to=Status.DISQUALIFIED, by=sales, reason="Not now"
    )

    enrolment = Enrolment.objects.get(sequence=sequence)
    assert enrolment.contact == submission.contact and enrolment.submission == submission
    dispatch.drain(timezone.now() + MINUTE)
    assert mail.recipients == ["ana@acme.example"]


def test_a_bulk_status_change_enrols_each_person():
    sales = make_user("sam", "Sales")
    sequence = make_sequence(trigger=SequenceTrigger.STATUS, trigger_status=Status.IN_REVIEW)
    leads = [lead_with_consent() for _ in range(3)]
    services.submissions_set_status(submissions=leads, to=Status.IN_REVIEW, by=sales)
    assert sequence.enrolments.count() == 3


# Webinar reminders ------------------------------------------------------------------------------


# What a reminder says of the start, as it goes: a day before, at a time of that day or the
# next (the site's time zone); an hour before.
DAY_SUBJECT = re.compile(r"Forms that convert starts (today|tomorrow) at \d\d:\d\d")
HOUR_SUBJECT = "Forms that convert starts in about an hour"


def make_webinar(starts_at, **fields):
    return make_cta(
        "webinar",
        event_starts_at=starts_at,
        joining_url="https://meet.example/abc-defg",
        title="Webinar: forms that convert",
        headline="Forms that convert",
        **fields,
    )


def register(webinar, email, **options):
    return capture_lead(webinar, nonce=email, email=email, **options).submission


def test_registrants_get_the_day_and_hour_reminders_with_the_joining_link(mail):
    starts = (timezone.now() + 3 * DAY).replace(microsecond=0)
    webinar = make_webinar(starts)
    register(webinar, "ana@acme.example")
    register(webinar, "bo@berg.example")
    register(webinar, "spam@bot.example", spam_reasons=["honeypot"])
    lead_with_consent(email="eve@other.example")  # no registration: no reminder

    dispatch.drain(starts - DAY - MINUTE)
    assert mail.envelopes == []

    dispatch.drain(starts - DAY + MINUTE)
    assert sorted(mail.recipients) == ["ana@acme.example", "bo@berg.example"]
    assert all(DAY_SUBJECT.fullmatch(m["Subject"]) for m in messages(mail))
    assert all("https://meet.example/abc-defg" in text_of(m) for m in messages(mail))

    dispatch.drain(starts - HOUR - MINUTE)
    assert len(mail.envelopes) == 2
    dispatch.drain(starts - HOUR + MINUTE)
    hour = messages(mail)[2:]
    assert sorted(m["To"] for m in hour) == ["ana@acme.example", "bo@berg.example"]
    assert all(m["Subject"] == HOUR_SUBJECT for m in hour)
    assert all("https://meet.example/abc-defg" in text_of(m) for m in hour)

    dispatch.drain(starts + MINUTE)
    assert len(mail.envelopes) == 4


def test_a_reminder_comes_in_the_sites_email_design_with_a_join_button(mail):
    mail_settings = MailSettings.load()
    mail_settings.from_name, mail_settings.postal_address = "Acme Growth", "1 Harbour Road, Bristol"
    mail_settings.save()
    starts = (timezone.now() + 3 * DAY).replace(microsecond=0)
    register(make_webinar(starts), "ana@acme.example", name="Ana Lima")

    dispatch.drain(starts - HOUR + MINUTE)

    html = messages(mail)[-1].get_body(preferencelist=("html",)).get_content()
    assert "Acme Growth" in html  # the sender's band atop every marketing email
    assert 'class="email-button"' in html
    assert 'href="https://meet.example/abc-defg"' in html
    assert "Hello Ana," in html  # by first name, as the site's other email
    assert "1 Harbour Road, Bristol" in html
    assert "Manage your email preferences" in html
    assert "Unsubscribe" not in html  # service mail: a registration, not a list


def test_a_registrant_whose_address_bounced_gets_no_reminder(mail):
    starts = (timezone.now() + 3 * DAY).replace(microsecond=0)
    webinar = make_webinar(starts)
    register(webinar, "ana@acme.example")
    register(webinar, "gone@acme.example")
    Suppression.objects.create(
        email="gone@acme.example", digest=email_digest("gone@acme.example"), reason="bounce"
    )
    dispatch.drain(starts - DAY + MINUTE)
    assert mail.recipients == ["ana@acme.example"]


def test_reminders_wait_for_the_joining_link(mail):
    starts = (timezone.now() + 3 * DAY).replace(microsecond=0)
    webinar = make_webinar(starts)
    type(webinar).objects.filter(pk=webinar.pk).update(joining_url="")
    register(webinar, "ana@acme.example")
    dispatch.drain(starts - DAY + MINUTE)
    assert mail.envelopes == []
    type(webinar).objects.filter(pk=webinar.pk).update(joining_url="https://meet.example/x")
    dispatch.drain(starts - DAY + 2 * MINUTE)
    assert mail.recipients == ["ana@acme.example"]


def test_a_new_start_time_cancels_the_old_reminders_and_sends_new_ones(mail):
    starts = (timezone.now() + 3 * DAY).replace(microsecond=0)
    webinar = make_webinar(starts)
    register(webinar, "ana@acme.example")
    schedule.tick(starts - DAY + MINUTE)  # the day reminder is queued, not sent yet
    assert Send.objects.get().status == SendStatus.QUEUED

    later = starts + 2 * DAY
    webinar.event_starts_at = later
    webinar.save(update_fields=["event_starts_at"])
    dispatch.drain(starts - DAY + 2 * MINUTE)
    assert mail.envelopes == []
    old = Send.objects.get(event_starts_at=starts)
    assert (old.status, old.skip_reason) == (SendStatus.CANCELLED, "the webinar moved")

    dispatch.drain(starts - HOUR + MINUTE)  # the old hour reminder's time: nothing
    assert mail.envelopes == []

    dispatch.drain(later - DAY + MINUTE)
    dispatch.drain(later - HOUR + MINUTE)
    subjects = [m["Subject"] for m in messages(mail)]
    assert DAY_SUBJECT.fullmatch(subjects[0]) and subjects[1:] == [HOUR_SUBJECT]
    local = timezone.localtime(later)
    assert all(local.strftime("%H:%M") in text_of(m) for m in messages(mail))
    assert all(f" {local.day} " in text_of(m) for m in messages(mail))


def test_a_webinar_moved_and_moved_back_sends_its_reminders_after_all(mail):
    starts = (timezone.now() + 3 * DAY).replace(microsecond=0)
    webinar = make_webinar(starts)
    register(webinar, "ana@acme.example")
    schedule.tick(starts - DAY + MINUTE)  # queued for the first time
    for moment in (starts + DAY, starts):
        webinar.event_starts_at = moment
        webinar.save(update_fields=["event_starts_at"])
        schedule.tick(starts - DAY + 2 * MINUTE)
    dispatch.drain(starts - DAY + 3 * MINUTE)
    assert mail.recipients == ["ana@acme.example"]
    assert DAY_SUBJECT.fullmatch(messages(mail)[0]["Subject"])


def test_someone_registering_after_the_day_reminder_gets_it_at_once(mail):
    starts = (timezone.now() + 3 * DAY).replace(microsecond=0)
    webinar = make_webinar(starts)
    register(webinar, "ana@acme.example")
    dispatch.drain(starts - DAY + MINUTE)
    register(webinar, "bo@berg.example")
    dispatch.drain(starts - 5 * HOUR)
    assert mail.recipients == ["ana@acme.example", "bo@berg.example"]


def test_the_webinar_confirmation_promises_the_reminders_that_are_sent(
    django_capture_on_commit_callbacks,
):
    from django.core import mail as django_mail

    webinar = make_webinar(timezone.now() + 3 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        register(webinar, "ana@acme.example")
    (confirmation,) = [m for m in django_mail.outbox if m.to == ["ana@acme.example"]]
    body = confirmation.body + "".join(str(a[0]) for a in confirmation.alternatives)
    assert "joining link a day before" in body and "again an hour before" in body
