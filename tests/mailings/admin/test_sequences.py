"""The sequence editor and each sequence's report (mailings/admin/sequences.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from leads.models import Status, Submission
from mailings.models import (
    Enrolment,
    EnrolmentStatus,
    Send,
    SendKind,
    SendStatus,
    Sequence,
    SequenceTrigger,
)
from tests.factories import log_in
from tests.mailings.sequencing import (
    lead_with_consent,
    make_email,
    make_sequence,
    marketable_contact,
    marketing_cta,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    log_in(client, "superuser")
    return client


def step(email, delay="2", unit="days", start="", end=""):
    return {
        "email": str(email.pk),
        "delay": delay,
        "delay_unit": unit,
        "window_start": start,
        "window_end": end,
    }


def editor_data(*steps, **fields):
    return nested_form_data(
        {
            "name": "After the eBook",
            "description": "Three tips in a week",
            "trigger": "manual",
            "trigger_cta": "",
            "trigger_status": "",
            "active": "on",
            "steps": inline_formset(list(steps), min=1),
        }
        | fields
    )


def error_of(response, field: str) -> str:
    form = response.context["form"]
    return " ".join(form.errors.get(field, []))


# The editor --------------------------------------------------------------------------------


def test_an_editor_saves_a_sequence_with_its_steps_in_order(admin_client):
    cta = marketing_cta()
    first, second = make_email("Tip 1"), make_email("Tip 2")
    response = admin_client.post(
        reverse("mailings_sequences:add"),
        editor_data(
            step(first, "0", "hours"),
            step(second, "3", "days", "09:00", "17:00"),
            trigger="cta",
            trigger_cta=str(cta.pk),
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    sequence = Sequence.objects.get()
    assert (sequence.trigger, sequence.trigger_cta) == (SequenceTrigger.CTA, cta)
    steps = list(sequence.steps.all())
    assert [(s.email, s.delay, s.delay_unit) for s in steps] == [
        (first, 0, "hours"),
        (second, 3, "days"),
    ]
    assert steps[1].window_start == datetime.time(9)


def test_a_cta_sequence_without_its_cta_says_which_field_to_fill(admin_client):
    response = admin_client.post(
        reverse("mailings_sequences:add"), editor_data(step(make_email()), trigger="cta")
    )
    assert response.status_code == 200
    assert "Choose the CTA whose submissions start this sequence." in error_of(
        response, "trigger_cta"
    )
    assert not Sequence.objects.exists()


def test_a_status_sequence_without_its_status_says_so(admin_client):
    response = admin_client.post(
        reverse("mailings_sequences:add"), editor_data(step(make_email()), trigger="status")
    )
    assert "Choose the status that starts this sequence." in error_of(response, "trigger_status")


def test_qualified_is_not_offered_as_a_trigger_status(admin_client):
    html = admin_client.get(reverse("mailings_sequences:add")).content.decode()
    assert 'value="disqualified"' in html
    assert 'value="qualified"' not in html and 'value="handed_off"' not in html
    response = admin_client.post(
        reverse("mailings_sequences:add"),
        editor_data(step(make_email()), trigger="status", trigger_status="qualified"),
    )
    assert "not one of the available choices" in error_of(response, "trigger_status")


def test_the_trigger_fields_that_do_not_apply_are_not_kept(admin_client):
    cta = marketing_cta()
    admin_client.post(
        reverse("mailings_sequences:add"),
        editor_data(step(make_email()), trigger="manual", trigger_cta=str(cta.pk)),
    )
    assert Sequence.objects.get().trigger_cta is None


def test_a_window_that_ends_before_it_starts_is_refused_on_the_step(admin_client):
    response = admin_client.post(
        reverse("mailings_sequences:add"),
        editor_data(step(make_email(), start="17:00", end="09:00")),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "End the sending window after it starts" in html
    assert not Sequence.objects.exists()


def test_a_window_with_one_end_is_refused(admin_client):
    response = admin_client.post(
        reverse("mailings_sequences:add"), editor_data(step(make_email(), start="09:00"))
    )
    assert response.status_code == 200
    assert "Give the sending window a start and an end, or neither." in response.content.decode()


def test_a_sequence_needs_a_step(admin_client):
    data = editor_data(step(make_email()))
    data["steps-TOTAL_FORMS"] = "0"
    response = admin_client.post(reverse("mailings_sequences:add"), data)
    assert response.status_code == 200 and not Sequence.objects.exists()


def test_the_listing_says_how_people_get_in_and_how_many_are_in_it(admin_client):
    sequence = make_sequence({"delay": 1}, {"delay": 2}, name="Win-back")
    make_sequence(name="Not now", trigger=SequenceTrigger.STATUS, trigger_status="disqualified")
    for contact in (marketable_contact(), marketable_contact()):
        Enrolment.objects.create(sequence=sequence, contact=contact)
    html = admin_client.get(reverse("mailings_sequences:index")).content.decode()
    assert "By hand (sales)" in html and "Status: Disqualified" in html
    row = html.split("Win-back", 1)[1].split("</tr>", 1)[0]
    assert ">2<" in row.replace(" ", "").replace("\n", "")


def test_sales_do_not_get_the_sequence_editor(client):
    log_in(client, "sales")
    response = client.get(reverse("mailings_sequences:index"))
    assert response.status_code in (302, 403)


# The report ----------------------------------------------------------------------------------


def sent(enrolment, step, at, **fields):
    return Send.objects.create(
        contact=enrolment.contact,
        kind=SendKind.SEQUENCE,
        enrolment=enrolment,
        step=step,
        status=SendStatus.SENT,
        due_at=at,
        sent_at=at,
        **fields,
    )


def test_the_report_counts_each_step_and_the_leads_that_followed(admin_client):
    sequence = make_sequence({"email": make_email("Tip one")}, {"email": make_email("Tip two")})
    first, second = sequence.steps.all()
    now = timezone.now()
    week_ago = now - datetime.timedelta(days=7)
    people = [lead_with_consent() for _ in range(4)]
    # The forms that brought them came before the emails.
    Submission.objects.filter(pk__in=[p.pk for p in people]).update(
        received_at=week_ago - datetime.timedelta(days=1)
    )
    enrolments = [Enrolment.objects.create(sequence=sequence, contact=p.contact) for p in people]
    # Step 1 went to all four a week ago: delivered to three, one bounced, one clicked, one
    # unsubscribed through it, one complained.
    sent(enrolments[0], first, week_ago, delivered_at=week_ago, first_clicked_at=now)
    sent(enrolments[1], first, week_ago, delivered_at=week_ago, unsubscribed_at=now)
    sent(enrolments[2], first, week_ago, delivered_at=week_ago, complained_at=now)
    sent(enrolments[3], first, week_ago, bounced_at=week_ago)
    # Step 2: one sent, one queued.
    sent(enrolments[0], second, now - datetime.timedelta(days=1))
    Send.objects.create(
        contact=enrolments[1].contact,
        kind=SendKind.SEQUENCE,
        enrolment=enrolments[1],
        step=second,
        due_at=now,
    )
    # After step 1, person 0 asked for a quote (later qualified), person 1 too but 40 days on.
    quote = marketing_cta()
    lead = lead_with_consent(quote, email=people[0].contact.email)
    Submission.objects.filter(pk=lead.pk).update(
        received_at=week_ago + datetime.timedelta(days=2), status=Status.QUALIFIED
    )
    late = lead_with_consent(quote, email=people[1].contact.email)
    Submission.objects.filter(pk=late.pk).update(received_at=now + datetime.timedelta(days=40))
    Enrolment.objects.filter(pk=enrolments[3].pk).update(status=EnrolmentStatus.EXITED)

    response = admin_client.get(reverse("mailings_sequences:inspect", args=[sequence.pk]))
    assert response.status_code == 200
    rows = {row["step"].pk: row["figures"] for row in response.context["rows"]}
    assert {k: rows[first.pk][k] for k in ("sent", "delivered", "bounced", "complained")} == {
        "sent": 4,
        "delivered": 3,
        "bounced": 1,
        "complained": 1,
    }
    assert (rows[first.pk]["clicked"], rows[first.pk]["unsubscribed"]) == (1, 1)
    assert (rows[first.pk]["leads"], rows[first.pk]["qualified"]) == (1, 1)
    assert (rows[second.pk]["sent"], rows[second.pk]["queued"]) == (1, 1)
    assert dict(response.context["enrolments"]) == {
        "Active": 3,
        "Paused": 0,
        "Completed": 0,
        "Left": 1,
    }
    html = response.content.decode()
    assert "Tip one" in html and "Tip two" in html and "25.0%" in html  # 1 of 4 bounced
    for email in (p.contact.email for p in people):
        assert email not in html  # counts only

    wider = admin_client.get(
        reverse("mailings_sequences:inspect", args=[sequence.pk]), {"days": "60"}
    )
    assert wider.context["rows"][0]["figures"]["leads"] == 2
    assert (
        admin_client.get(
            reverse("mailings_sequences:inspect", args=[sequence.pk]), {"days": "abc"}
        ).context["days"]
        == 30
    )


def test_a_step_without_its_email_says_so(admin_client):
    data = editor_data(step(make_email()))
    data["steps-0-email"] = ""
    response = admin_client.post(reverse("mailings_sequences:add"), data)
    assert "Choose the email this step sends." in response.content.decode()


# Deleting -----------------------------------------------------------------------------------


def test_a_sequence_nobody_was_in_can_be_deleted(admin_client):
    sequence = make_sequence(name="Draft idea")
    url = reverse("mailings_sequences:delete", args=[sequence.pk])
    assert "Draft idea" in admin_client.get(url).content.decode()
    admin_client.post(url)
    assert not Sequence.objects.exists()


def test_a_sequence_that_sent_email_is_switched_off_not_deleted(admin_client):
    """Its emails stay on the person's record, and their unsubscribe links keep working."""
    sequence = make_sequence({"email": make_email("Tip one")}, name="After the eBook")
    enrolment = Enrolment.objects.create(sequence=sequence, contact=marketable_contact())
    email_sent = sent(enrolment, sequence.steps.get(), timezone.now())
    url = reverse("mailings_sequences:delete", args=[sequence.pk])

    for response in (admin_client.get(url, follow=True), admin_client.post(url, follow=True)):
        assert response.redirect_chain[-1][0] == reverse(
            "mailings_sequences:inspect", args=[sequence.pk]
        )
        assert "cannot be deleted. Switch it off" in response.content.decode()
    assert Send.objects.filter(pk=email_sent.pk).exists()
