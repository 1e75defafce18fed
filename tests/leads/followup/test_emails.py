"""Staff email about leads: who gets it (the contact's owner first), the assignment notice,
and subjects that always send (one line, whatever a CTA's name once held)."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from leads import services
from leads.models import (
    CallToAction,
    DeliveryKind,
    DeliveryStatus,
    LeadSettings,
    Submission,
)
from tests.factories import (
    answer_form,
    capture_lead,
    cta_admin_form,
    make_cta,
    make_form_cta,
    make_user,
    question,
)

TOPICS = [("seo", "Search engines"), ("ads", "Paid ads"), ("mail", "Email")]

pytestmark = pytest.mark.django_db

INBOX = "sales@site.example"
LEAD = "ana@acme.example"


@pytest.fixture(autouse=True)
def inbox(db):
    return LeadSettings.objects.create(sales_inbox=INBOX)


@pytest.fixture
def sam(db):
    return make_user("sam", "Sales", first_name="Sam")


@pytest.fixture
def cleo(db):
    return make_user("cleo", "Sales", first_name="Cleo")


@pytest.fixture
def manager(db):
    return make_user("morgan", "Sales managers")


def sent_to(address) -> list:
    return [message for message in mail.outbox if address in message.to]


def subjects_to(address) -> list[str]:
    return [message.subject for message in sent_to(address)]


def notifications_to(address) -> list[str]:
    return [subject for subject in subjects_to(address) if subject.startswith("New ")]


# Assignment notice (item 21) ---------------------------------------------------------------


def test_assigning_a_lead_tells_the_new_owner(sam, manager, django_capture_on_commit_callbacks):
    submission = capture_lead(make_cta("quote", title="Onboarding quote")).submission

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_assign(submission=submission, owner=sam, by=manager)

    (notice,) = sent_to(sam.email)
    assert notice.subject == f"Lead assigned to Sam: Submission #{submission.pk}"
    body = notice.body
    assert f"/admin/leads/contacts/{submission.contact_id}/#submission-{submission.pk}" in body
    assert "Onboarding quote" in body
    assert LEAD not in body and "Ana" not in body  # the link opens the details
    delivery = submission.deliveries.get(kind=DeliveryKind.ASSIGNMENT)
    assert delivery.status == DeliveryStatus.SENT


def test_reassigning_a_lead_tells_the_newer_owner(
    sam, cleo, manager, django_capture_on_commit_callbacks
):
    submission = capture_lead(make_cta("quote")).submission

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_assign(submission=submission, owner=sam, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_assign(submission=submission, owner=cleo, by=manager)

    assert len(sent_to(sam.email)) == 1
    assert subjects_to(cleo.email) == [f"Lead assigned to Cleo: Submission #{submission.pk}"]


def test_bulk_assignment_in_the_inbox_tells_the_owner(
    client, sam, manager, django_capture_on_commit_callbacks
):
    cta = make_cta("quote")
    leads = [capture_lead(cta, email=f"lead{i}@acme.example").submission for i in range(2)]
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/leads/bulk/",
            {"ids": [lead.pk for lead in leads], "action": "assign", "owner": sam.pk},
        )

    assert response.status_code == 302
    assert sorted(subjects_to(sam.email)) == sorted(
        f"Lead assigned to Sam: Submission #{lead.pk}" for lead in leads
    )


def test_taking_a_lead_yourself_sends_no_notice(sam, django_capture_on_commit_callbacks):
    submission = capture_lead(make_cta("quote")).submission

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_assign(submission=submission, owner=sam, by=sam)

    assert sent_to(sam.email) == []


def test_assignment_notice_of_an_owner_who_lost_the_right_goes_to_the_sales_inbox(
    sam, manager, django_capture_on_commit_callbacks
):
    submission = capture_lead(make_cta("quote")).submission

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_assign(submission=submission, owner=sam, by=manager)
        sam.groups.clear()  # before the notice leaves

    assert sent_to(sam.email) == []
    assert subjects_to(INBOX) == [f"Lead assigned to Sam: Submission #{submission.pk}"]


# Owner routing (item 21) -------------------------------------------------------------------


def test_new_lead_of_a_contact_with_an_owner_goes_to_that_owner(
    sam, cleo, manager, django_capture_on_commit_callbacks
):
    first = capture_lead(make_cta("download")).submission
    services.submission_assign(submission=first, owner=sam, by=sam)
    quote = make_cta("quote", owner=cleo, title="Quote")

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(quote, email=LEAD)

    assert notifications_to(sam.email) == ["New quote request: Quote"]
    assert sent_to(cleo.email) == []
    assert sent_to(INBOX) == []


def test_new_lead_of_a_contact_whose_leads_are_closed_goes_to_the_cta_owner(
    sam, cleo, django_capture_on_commit_callbacks
):
    first = capture_lead(make_cta("download")).submission
    services.submission_assign(submission=first, owner=sam, by=sam)
    services.submission_set_status(submission=first, to="disqualified", by=sam, reason="No")

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(make_cta("quote", owner=cleo, title="Quote"))

    assert sent_to(sam.email) == []
    assert notifications_to(cleo.email) == ["New quote request: Quote"]


def test_hot_lead_alert_goes_to_the_contacts_owner_not_the_inbox(
    sam, django_capture_on_commit_callbacks
):
    first = capture_lead(make_cta("download")).submission  # 25: not hot
    services.submission_assign(submission=first, owner=sam, by=sam)

    with django_capture_on_commit_callbacks(execute=True):
        latest = capture_lead(make_cta("quote"), budget="over-50k", timeline="now").submission
        services.contact_score_refresh(contact=latest.contact)

    hot = [s for s in subjects_to(sam.email) if s.startswith("Hot lead")]
    assert len(hot) == 1
    assert hot[0].startswith(f"Hot lead: Contact #{latest.contact_id} scored")
    assert [s for s in subjects_to(INBOX) if s.startswith("Hot lead")] == []


# One-line subjects (item 10) ---------------------------------------------------------------


def cta_form(**fields):
    return nested_form_data(cta_admin_form(consent_text="We store your details.") | fields)


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "Playbook\r\nBcc: everyone@example.com"),
        ("title", "Playbook\nsecond line"),
        ("headline", "Get it\rnow"),
        ("headline", "Get it\u2028now"),
        ("button_label", "Go\tnow"),
    ],
)
def test_cta_with_a_line_break_or_control_character_is_refused(client, manager, field, value):
    editor = make_user("editor", "Editors")
    client.force_login(editor)

    response = client.post(
        reverse("wagtailsnippets_leads_calltoaction:add"), cta_form(**{field: value})
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CallToAction.objects.exists()


def test_cta_saved_with_line_breaks_still_notifies_and_confirms(
    sam, manager, django_capture_on_commit_callbacks
):
    # Saved before the validator (or by a script): the submission keeps the name as it was.
    cta = make_cta("quote", owner=sam)
    CallToAction.objects.filter(pk=cta.pk).update(
        title="Playbook\r\nBcc: everyone@example.com", headline="Get it\nnow\u2028today"
    )
    cta.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        submission = capture_lead(cta).submission
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_assign(submission=submission, owner=sam, by=manager)

    statuses = dict(Submission.objects.get().deliveries.values_list("kind", "status"))
    assert statuses == {"notification": "sent", "confirmation": "sent", "assignment": "sent"}
    subjects = [message.subject for message in mail.outbox]
    assert "New quote request: Playbook Bcc: everyone@example.com" in subjects
    assert "We received your quote request" in subjects
    assert all("\n" not in s and "\r" not in s for s in subjects)
    assert all(message.to != ["everyone@example.com"] for message in mail.outbox)


# One vocabulary (issue 17) -----------------------------------------------------------------


def test_notification_shows_answers_under_their_labels_not_codes(
    django_capture_on_commit_callbacks,
):
    quote = make_cta("quote", title="Website redesign")

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(quote, budget="20k-50k", timeline="now", job_title="CTO")

    (notice,) = [m for m in sent_to(INBOX) if m.subject.startswith("New ")]
    assert "Budget: $20,000 to $50,000" in notice.body
    assert "Timeline: As soon as possible" in notice.body
    assert "Job title: CTO" in notice.body
    assert "20k-50k" not in notice.body
    assert "now\n" not in notice.body


def test_notification_shows_every_answer_of_a_built_form_under_its_label_in_form_order(
    django_capture_on_commit_callbacks,
):
    cta = make_form_cta(
        question("checkboxes", "topics", "What interests you?", choices=TOPICS),
        question("country", "where", "Where are you based?", property="country"),
        question("hidden", "campaign", "Campaign", source="utm_campaign"),
        question("number", "seats", "How many seats?"),
        title="Audit request",
    )

    with django_capture_on_commit_callbacks(execute=True):
        answer_form(cta, topics=["seo", "mail"], where="DE", seats="12")

    (notice,) = [m for m in sent_to(INBOX) if m.subject.startswith("New ")]
    lines = [
        "What interests you? Search engines, Email",
        "Where are you based? Germany",
        "How many seats? 12",
    ]
    positions = [notice.body.index(line) for line in lines]
    assert positions == sorted(positions)
    assert "seo" not in notice.body and ": DE" not in notice.body


def test_download_notification_subject_names_the_kind_and_cta_not_the_kind_description(
    django_capture_on_commit_callbacks,
):
    ebook = make_cta("download", title="Pricing playbook")

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(ebook)

    assert notifications_to(INBOX) == ["New download: Pricing playbook"]


# The person's email subject (issue 17) -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("download", "Your copy of Lead scoring playbook"),
        ("quote", "We received your quote request"),
        ("newsletter", "Please confirm your subscription to Lead scoring playbook"),
        ("webinar", "Your seat for Lead scoring playbook"),
    ],
)
def test_the_persons_email_has_its_kinds_subject_not_the_headline(
    kind, subject, django_capture_on_commit_callbacks
):
    cta = make_cta(kind, title="Lead scoring playbook", headline="Get the 30-page playbook now")
    with django_capture_on_commit_callbacks(execute=True):
        submission = capture_lead(cta).submission
    to_person = subjects_to(submission.contact.email)
    assert to_person == [subject]


def test_the_persons_email_has_the_ctas_own_subject_when_it_gives_one(
    django_capture_on_commit_callbacks,
):
    cta = make_cta("webinar", title="Q3 pipeline webinar", email_subject="See you on Thursday")
    with django_capture_on_commit_callbacks(execute=True):
        submission = capture_lead(cta).submission
    assert subjects_to(submission.contact.email) == ["See you on Thursday"]


# The greeting of the person's email ----------------------------------------------------------


def test_confirmation_greets_by_first_name_when_the_form_asks_first_and_last_name(
    django_capture_on_commit_callbacks,
):
    cta = make_form_cta(
        question("text", "given", "First name", property="first_name", required=True),
        question("text", "family", "Last name", property="last_name", required=True),
        kind="download",
    )

    with django_capture_on_commit_callbacks(execute=True):
        submission = answer_form(cta, given="Dana", family="Okafor")

    (confirmation,) = sent_to(submission.contact.email)
    html = confirmation.alternatives[0][0]
    assert confirmation.body.startswith("Hello Dana,")
    assert "<p>Hello Dana,</p>" in html


def test_confirmation_greets_by_the_name_typed_when_the_form_asks_a_name(
    django_capture_on_commit_callbacks,
):
    cta = make_cta("download")

    with django_capture_on_commit_callbacks(execute=True):
        submission = capture_lead(cta, name="Ana Lima").submission

    (confirmation,) = sent_to(submission.contact.email)
    assert confirmation.body.startswith("Hello Ana Lima,")
