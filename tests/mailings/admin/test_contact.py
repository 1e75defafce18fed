"""Email on a contact's page (mailings/admin/contact.py): the Nurture sequences panel with its
buttons, and each email on the timeline."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import Status
from mailings import sequences
from mailings.models import (
    Broadcast,
    BroadcastStatus,
    Enrolment,
    EnrolmentStatus,
    Segment,
    Send,
    SendKind,
    SendStatus,
    SequenceTrigger,
)
from tests.factories import log_in, make_user
from tests.mailings.sequencing import (
    lead_with_consent,
    make_email,
    make_sequence,
    marketable_contact,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(client):
    return log_in(client, "sales")


def page_url(contact):
    return reverse("leads_contact:detail", args=[contact.pk])


def panel_of(html: str) -> str:
    return html.split('id="enrolments-section"', 1)[1].split("</section>", 1)[0]


def action_url(name, enrolment):
    return reverse(f"mailings_enrolments:{name}", args=[enrolment.contact_id, enrolment.pk])


def test_the_panel_shows_each_enrolment_with_its_next_step_and_when(client, sales):
    contact = marketable_contact()
    sequence = make_sequence(
        {"delay": 2, "delay_unit": "days", "email": make_email("eBook tip one")},
        {"email": make_email("eBook tip two")},
        name="After the eBook",
    )
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=sales)
    panel = panel_of(client.get(page_url(contact)).content.decode())
    assert "After the eBook" in panel and "Active" in panel
    assert "Next: step 1 of 2, “eBook tip one”" in panel
    assert enrolment.next_due_at.strftime("%Y-%m-%dT%H:%M") in panel
    assert action_url("pause", enrolment) in panel and action_url("remove", enrolment) in panel


def test_sales_pause_resume_and_remove_someone(client, sales):
    contact = marketable_contact()
    sequence = make_sequence({"delay": 1}, name="Win-back")
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=sales)

    response = client.post(action_url("pause", enrolment))
    assert response.status_code == 302 and response.url.endswith("#enrolments-section")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.PAUSED
    panel = panel_of(client.get(page_url(contact)).content.decode())
    assert "Paused" in panel and action_url("resume", enrolment) in panel

    client.post(action_url("resume", enrolment))
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE

    client.post(action_url("remove", enrolment))
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.exit_reason) == (
        EnrolmentStatus.EXITED,
        "removed by sales",
    )
    html = client.get(page_url(contact)).content.decode()
    assert "Removed from “Win-back”" in html  # the message
    panel = panel_of(html)
    assert "Left (removed by sales)" in panel and action_url("pause", enrolment) not in panel


def test_sales_add_someone_to_a_sequence(client, sales):
    contact = marketable_contact()
    manual = make_sequence(name="Hand-picked tips")
    automatic = make_sequence(
        name="Not now",
        trigger=SequenceTrigger.STATUS,
        trigger_status=Status.DISQUALIFIED,
    )
    make_sequence(name="Switched off", active=False)
    panel = panel_of(client.get(page_url(contact)).content.decode())
    assert "Hand-picked tips" in panel and "Not now (also starts on its own)" in panel
    assert "Switched off" not in panel

    response = client.post(
        reverse("mailings_enrolments:add", args=[contact.pk]), {"enrol-sequence": manual.pk}
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(contact=contact)
    assert (enrolment.sequence, enrolment.enrolled_by) == (manual, sales)
    # Once in it, it is no longer offered.
    panel = panel_of(client.get(page_url(contact)).content.decode())
    assert f'value="{manual.pk}"' not in panel and f'value="{automatic.pk}"' in panel


def test_someone_without_marketing_consent_cannot_be_added(client, sales):
    contact = lead_with_consent(consent=False).contact
    sequence = make_sequence()
    panel = panel_of(client.get(page_url(contact)).content.decode())
    assert "may not get marketing email" in panel and "Add to a sequence" not in panel
    client.post(
        reverse("mailings_enrolments:add", args=[contact.pk]), {"enrol-sequence": sequence.pk}
    )
    assert not Enrolment.objects.exists()
    assert "may not get marketing email" in client.get(page_url(contact)).content.decode()


def test_people_who_only_view_contacts_see_enrolments_without_buttons(client):
    viewer = make_user("viewer")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_contact"])
    )
    client.force_login(viewer)
    contact = marketable_contact()
    enrolment = sequences.enrolment_add(
        sequence=make_sequence(name="Win-back"), contact=contact, by=None
    )
    panel = panel_of(client.get(page_url(contact)).content.decode())
    assert "Win-back" in panel
    assert "<form" not in panel
    assert client.post(action_url("remove", enrolment)).status_code in (302, 403)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_an_enrolment_of_another_contact_is_not_found(client, sales):
    enrolment = sequences.enrolment_add(
        sequence=make_sequence(), contact=marketable_contact(), by=None
    )
    other = marketable_contact()
    url = reverse("mailings_enrolments:pause", args=[other.pk, enrolment.pk])
    assert client.post(url).status_code == 404


# The timeline ----------------------------------------------------------------------------------


def sent_step(enrolment, at, **fields):
    step = enrolment.sequence.steps.first()
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


def test_the_timeline_shows_each_email_with_delivery_and_click(client, sales):
    contact = marketable_contact()
    sequence = make_sequence({"email": make_email("eBook tip one")}, name="After the eBook")
    enrolment = sequences.enrolment_add(sequence=sequence, contact=contact, by=sales)
    at = timezone.now().replace(microsecond=0)
    clicked = at + datetime.timedelta(minutes=30)
    sent_step(enrolment, at, delivered_at=at, first_clicked_at=clicked)
    broadcast = Broadcast.objects.create(
        email=make_email("March newsletter"),
        mailing_list=None,
        segment=Segment.objects.create(name="Everyone", conditions={}),
        status=BroadcastStatus.SENT,
        scheduled_for=at,
    )
    Send.objects.create(
        contact=contact,
        kind=SendKind.BROADCAST,
        broadcast=broadcast,
        status=SendStatus.SKIPPED,
        skip_reason="suppressed: bounce",
        due_at=at,
    )
    html = client.get(page_url(contact)).content.decode()
    timeline = html.split('id="timeline-section"', 1)[1]
    assert "Email sent</strong>: “eBook tip one”, from the sequence “After the eBook”" in timeline
    assert f'datetime="{clicked.isoformat()}"' in timeline
    assert "clicked" in timeline and "delivered" in timeline
    assert "Email not sent</strong> (suppressed: bounce): Broadcast “March newsletter”" in (
        timeline
    )
    assert "Added to a sequence" in timeline or "Enrolled" in timeline


def test_the_timeline_shows_when_someone_left_a_sequence(client, sales):
    submission = lead_with_consent()
    sequence = make_sequence(name="Nurture")
    sequences.enrolment_add(sequence=sequence, contact=submission.contact, by=sales)
    services.submission_set_status(submission=submission, to=Status.QUALIFIED, by=sales)
    timeline = client.get(page_url(submission.contact)).content.decode()
    assert "Left</strong> the sequence “Nurture”: qualified" in timeline


def kinds_on(html: str) -> list[str]:
    return re.findall(r'data-kind="(\w+)"', html)


def test_the_page_costs_the_same_queries_with_many_emails_and_enrolments(client, sales):
    contact = marketable_contact()

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(page_url(contact)).status_code == 200
        return len(context.captured_queries)

    first = make_sequence({}, {}, name="One")
    enrolment = sequences.enrolment_add(sequence=first, contact=contact, by=sales)
    sent_step(enrolment, timezone.now())
    client.get(page_url(contact))  # warm per-process caches
    few = queries()

    for n in range(6):
        other = make_sequence({}, {}, name=f"Sequence {n}")
        more = sequences.enrolment_add(sequence=other, contact=contact, by=sales)
        sent_step(more, timezone.now())
        sequences.enrolment_pause(enrolment=more, by=sales)
    html = client.get(page_url(contact)).content.decode()
    assert kinds_on(html).count("email") == 7
    assert queries() == few
