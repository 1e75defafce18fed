"""The contact page: everything about one person, their timeline, review, notes and retries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from leads import services
from leads.capture.attribution import Attribution, Touch
from leads.models import Contact, Delivery, DeliveryStatus, Note, Status
from tests.factories import capture_lead, make_cta, make_user

pytestmark = pytest.mark.django_db

EMAIL = "ana@acme.example"


@pytest.fixture
def sales(db):
    return make_user("sam", "Sales", first_name="Sam", last_name="Seller")


@pytest.fixture
def sales_client(client, sales):
    client.force_login(sales)
    return client


@pytest.fixture
def submission(db):
    return capture_lead(make_cta("quote", title="Quote: onboarding")).submission


@pytest.fixture
def contact(submission):
    return submission.contact


def page_url(contact):
    return reverse("leads_contact:detail", args=[contact.pk])


def status_url(submission):
    return reverse("leads_contact:status", args=[submission.contact_id, submission.pk])


def kinds_on(html: str) -> list[str]:
    return re.findall(r'data-kind="(\w+)"', html)


def capture_with_attribution(cta, *, first: Touch, last: Touch, nonce: str, **answers):
    from tests.factories import ANSWERS

    return services.submission_capture(
        cta=cta,
        answers=ANSWERS[cta.kind] | answers,
        consent_given=True,
        consent_version=cta.consent_version,
        attribution=Attribution(first=first, last=last),
        nonce=nonce,
        spam_reasons=[],
    ).submission


# What the page shows -------------------------------------------------------------------------


def test_contact_page_shows_every_detail_and_the_score_explained(sales_client, contact):
    Contact.objects.filter(pk=contact.pk).update(
        job_title="Head of Growth",
        score=44,
        score_explanation=[["quote request", 40], ["business domain", 10], ["decay", -6]],
    )
    html = sales_client.get(page_url(contact)).content.decode()
    for shown in (EMAIL, "Ana Lima", "Acme", "+44 20 7946 0000", "Head of Growth", "First seen"):
        assert shown in html
    assert "quote request" in html and "+40" in html and "+10" in html and "\u22126" in html
    assert "Not hot" in html and "hot-lead threshold is 60" in html


def test_a_contact_over_the_threshold_is_shown_as_hot(sales_client, contact):
    Contact.objects.filter(pk=contact.pk).update(score=75)
    assert "Hot lead" in sales_client.get(page_url(contact)).content.decode()


def test_page_title_carries_no_personal_data(sales_client, contact):
    html = sales_client.get(page_url(contact)).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert f"Contact #{contact.pk}" in title
    assert "Ana" not in title and "acme" not in title.lower()


def test_first_and_latest_touch_are_shown_escaped(sales_client):
    cta = make_cta("quote")
    first = capture_with_attribution(
        cta,
        first=Touch.from_urls(
            "https://testserver/guide/?utm_source=linkedin&utm_campaign=spring",
            "https://www.linkedin.com/feed/",
        ),
        last=Touch.from_urls("https://testserver/guide/", ""),
        nonce="first",
    )
    capture_with_attribution(
        cta,
        first=Touch(),
        last=Touch.from_urls("https://testserver/pricing/?utm_source=<b>news</b>", ""),
        nonce="latest",
        message="second",
    )
    html = sales_client.get(page_url(first.contact)).content.decode()
    first_part, latest_part = html.split("Latest touch", 1)[0], html.split("Latest touch", 1)[1]
    assert "https://www.linkedin.com/feed/" in first_part and "spring" in first_part
    assert "https://testserver/pricing/" in latest_part
    assert "&lt;b&gt;news&lt;/b&gt;" in latest_part and "<b>news</b>" not in html


def test_consent_records_show_the_exact_text_and_subscriptions(sales_client, contact):
    newsletter = make_cta("newsletter", title="Monthly digest", consent_text="Send me the digest.")
    capture_lead(newsletter)
    html = sales_client.get(page_url(contact)).content.decode()
    assert "Send me the digest." in html
    assert contact.submissions.first().consent.text in html
    assert "Monthly digest" in html and "Awaiting confirmation" in html


def test_timeline_lists_every_kind_of_event_newest_first(sales_client, sales, submission):
    download = capture_lead(make_cta("download"), nonce="download").submission
    services.download_record(submission=download)
    services.submission_set_status(
        submission=submission, to=Status.QUALIFIED, by=sales, reason="Budget confirmed"
    )
    services.submission_assign(submission=submission, owner=sales, by=sales)
    services.note_add(contact=submission.contact, text="Called: decision in March.", by=sales)

    html = sales_client.get(page_url(submission.contact)).content.decode()

    assert kinds_on(html) == [
        "note",
        "assign",
        "status_change",
        "download",
        "delivery",  # the download's confirmation and notification
        "delivery",
        "submission",
        "delivery",  # the quote's
        "delivery",
        "submission",
    ]
    assert "Called: decision in March." in html
    assert "Budget confirmed" in html and "New → Qualified" in html
    assert "Unassigned" in html and "Sam Seller" in html


# Review --------------------------------------------------------------------------------------


def offered(html: str, submission) -> set[str]:
    return set(re.findall(rf'name="status-{submission.pk}-to" value="(\w+)"', html))


def test_only_the_allowed_next_statuses_are_offered(sales_client, sales, submission):
    html = sales_client.get(page_url(submission.contact)).content.decode()
    assert offered(html, submission) == {"in_review", "qualified", "disqualified", "spam"}

    services.submission_set_status(submission=submission, to=Status.QUALIFIED, by=sales)
    html = sales_client.get(page_url(submission.contact)).content.decode()
    assert offered(html, submission) == {"handed_off", "disqualified"}


def test_disqualifying_without_a_reason_is_refused_with_a_message(sales_client, submission):
    response = sales_client.post(
        status_url(submission), {f"status-{submission.pk}-to": "disqualified"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a reason to disqualify this lead." in html
    assert f"The status of Submission #{submission.pk} was not changed." in html
    submission.refresh_from_db()
    assert submission.status == Status.NEW


def test_a_move_the_workflow_does_not_allow_is_refused(sales_client, submission):
    response = sales_client.post(status_url(submission), {f"status-{submission.pk}-to": "won"})
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.status == Status.NEW


def test_qualifying_with_a_reason_is_recorded_in_the_audit_log_and_shown(
    sales_client, sales, submission
):
    response = sales_client.post(
        status_url(submission),
        {f"status-{submission.pk}-to": "qualified", f"status-{submission.pk}-reason": "Budget ok"},
        follow=True,
    )
    assert response.redirect_chain[0][0].startswith(page_url(submission.contact))
    submission.refresh_from_db()
    assert submission.status == Status.QUALIFIED and submission.status_reason == "Budget ok"
    entry = ModelLogEntry.objects.get(action="leads.status_change", object_id=str(submission.pk))
    assert entry.user == sales
    assert entry.data == {"from": "new", "to": "qualified", "reason": "Budget ok"}
    html = response.content.decode()
    assert f"Submission #{submission.pk} is now qualified." in html
    assert "New → Qualified" in html and "Reason: Budget ok" in html and "By Sam Seller" in html


def test_assigning_an_owner(sales_client, submission):
    colleague = make_user("cleo", "Sales", first_name="Cleo")
    response = sales_client.post(
        reverse("leads_contact:assign", args=[submission.contact_id, submission.pk]),
        {f"assign-{submission.pk}-owner": colleague.pk},
        follow=True,
    )
    submission.refresh_from_db()
    assert submission.owner == colleague
    assert ModelLogEntry.objects.filter(action="leads.assign", object_id=str(submission.pk))
    html = response.content.decode()
    assert f"Submission #{submission.pk} assigned to Cleo." in html
    assert "Unassigned → Cleo" in html


def test_only_people_who_can_work_leads_are_offered_as_owners(sales_client, submission):
    editor = make_user("eddie", "Editors")
    html = sales_client.get(page_url(submission.contact)).content.decode()
    # The owner select's options only: an id may well be a value elsewhere on the page.
    owners = re.search(rf'<select name="assign-{submission.pk}-owner".*?</select>', html, re.S)
    assert owners is not None
    assert f'value="{editor.pk}"' not in owners[0]
    response = sales_client.post(
        reverse("leads_contact:assign", args=[submission.contact_id, submission.pk]),
        {f"assign-{submission.pk}-owner": editor.pk},
    )
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.owner is None


# Notes ---------------------------------------------------------------------------------------


def test_adding_a_note(sales_client, sales, contact):
    response = sales_client.post(
        reverse("leads_contact:note_add", args=[contact.pk]),
        {"note-add-text": "Evaluating two vendors."},
        follow=True,
    )
    note = Note.objects.get(contact=contact)
    assert note.author == sales and note.text == "Evaluating two vendors."
    html = response.content.decode()
    assert "Note added." in html and "Note by Sam Seller" in html


def test_an_empty_note_is_refused(sales_client, contact):
    response = sales_client.post(
        reverse("leads_contact:note_add", args=[contact.pk]), {"note-add-text": ""}
    )
    assert response.status_code == 400
    assert not Note.objects.exists()


def test_editing_my_own_note(sales_client, sales, contact):
    note = services.note_add(contact=contact, text="First draft", by=sales)
    html = sales_client.get(page_url(contact)).content.decode()
    assert reverse("leads_contact:note_edit", args=[contact.pk, note.pk]) in html
    sales_client.post(
        reverse("leads_contact:note_edit", args=[contact.pk, note.pk]),
        {f"note-{note.pk}-text": "Second draft"},
    )
    note.refresh_from_db()
    assert note.text == "Second draft"


def test_no_one_edits_someone_elses_note(client, sales, contact):
    note = services.note_add(contact=contact, text="Sam's note", by=sales)
    colleague = make_user("cleo", "Sales")
    client.force_login(colleague)
    html = client.get(page_url(contact)).content.decode()
    assert "Sam&#x27;s note" in html
    assert reverse("leads_contact:note_edit", args=[contact.pk, note.pk]) not in html
    response = client.post(
        reverse("leads_contact:note_edit", args=[contact.pk, note.pk]),
        {f"note-{note.pk}-text": "Overwritten"},
        follow=True,
    )
    note.refresh_from_db()
    assert note.text == "Sam's note"
    assert "Only the author of a note can edit it." in response.content.decode()


# Deliveries ----------------------------------------------------------------------------------


def test_retrying_a_delivery_that_gave_up_sends_it(
    sales_client, sales, submission, mailoutbox, django_capture_on_commit_callbacks
):
    delivery = submission.deliveries.get(kind="notification")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.GAVE_UP, attempts=8, last_error="SMTPServerDisconnected"
    )
    html = sales_client.get(page_url(submission.contact)).content.decode()
    retry_url = reverse("leads_contact:delivery_retry", args=[submission.contact_id, delivery.pk])
    assert retry_url in html and "SMTPServerDisconnected" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = sales_client.post(retry_url)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mailoutbox) == 1
    assert ModelLogEntry.objects.get(action="leads.delivery_retry").user == sales


def test_a_delivery_that_did_not_fail_offers_no_retry(sales_client, submission):
    delivery = submission.deliveries.first()
    url = reverse("leads_contact:delivery_retry", args=[submission.contact_id, delivery.pk])
    assert url not in sales_client.get(page_url(submission.contact)).content.decode()
    response = sales_client.post(url, follow=True)
    assert "Only failed deliveries can be retried" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


# Who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_are_refused(client, contact, group):
    client.force_login(make_user("someone", group))
    for url in (page_url(contact), reverse("leads_contact:index")):
        response = client.get(url, follow=True)
        assert not response.request["PATH_INFO"].startswith("/admin/leads/")
        assert EMAIL not in response.content.decode()


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_cannot_write_through_the_contact_page(client, submission, group):
    client.force_login(make_user("someone", group))
    client.post(status_url(submission), {f"status-{submission.pk}-to": "qualified"})
    client.post(
        reverse("leads_contact:note_add", args=[submission.contact_id]), {"note-add-text": "x"}
    )
    submission.refresh_from_db()
    assert submission.status == Status.NEW and not Note.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, contact):
    response = client.get(page_url(contact))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_guessed_id_reveals_nothing(client, sales_client, contact):
    assert (
        sales_client.get(reverse("leads_contact:detail", args=[contact.pk + 999])).status_code
        == 404
    )
    client.force_login(make_user("eddie", "Editors"))
    real = client.get(page_url(contact))
    guessed = client.get(reverse("leads_contact:detail", args=[contact.pk + 999]))
    assert real.status_code == guessed.status_code == 302  # the same refusal either way


def test_a_submission_of_another_contact_cannot_be_changed_from_this_page(sales_client, submission):
    other = capture_lead(make_cta("quote"), email="bo@other.example", nonce="other").submission
    response = sales_client.post(
        reverse("leads_contact:status", args=[submission.contact_id, other.pk]),
        {f"status-{other.pk}-to": "qualified"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Status.NEW


# Cost -----------------------------------------------------------------------------------------


def add_history(cta, sales, n):
    submission = capture_lead(cta, nonce=f"n{n}", message=f"message {n}").submission
    services.download_record(submission=submission) if cta.kind == "download" else None
    services.submission_set_status(submission=submission, to=Status.IN_REVIEW, by=sales)
    services.submission_assign(submission=submission, owner=sales, by=sales)
    services.note_add(contact=submission.contact, text=f"note {n}", by=sales)
    return submission


def test_the_page_costs_the_same_number_of_queries_however_long_the_history(sales_client, sales):
    cta = make_cta("download")
    contact = add_history(cta, sales, 0).contact
    sales_client.get(page_url(contact))  # warm caches that are per process, not per page

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert sales_client.get(page_url(contact)).status_code == 200
        return len(context.captured_queries)

    short = queries()
    for n in range(1, 6):
        add_history(cta, sales, n)
    assert kinds_on(sales_client.get(page_url(contact)).content.decode()).count("submission") == 6
    assert queries() == short


# Audit log and list ---------------------------------------------------------------------------


def test_wagtail_history_report_describes_the_changes_without_personal_data(
    client, django_user_model, sales, submission
):
    services.submission_set_status(
        submission=submission, to=Status.DISQUALIFIED, by=sales, reason="Ana Lima has no budget"
    )
    services.submission_assign(submission=submission, owner=sales, by=sales)
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.example", "pw"))
    html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Status changed from new to disqualified" in html
    assert f"Assigned to user #{sales.pk}" in html
    assert "Ana Lima" not in html and "no budget" not in html and EMAIL not in html


def test_the_contact_list_finds_a_contact_and_links_to_its_page(sales_client, contact):
    capture_lead(
        make_cta("quote"), email="bo@other.example", name="Bo Berg", company="Berg", nonce="bo"
    )
    html = sales_client.get(reverse("leads_contact:index"), {"q": "acme"}).content.decode()
    assert page_url(contact) in html and "Bo Berg" not in html


def contact_with_quotes(sales, count, *, email):
    cta = make_cta("quote", title=f"Quote {email}")
    for n in range(count):
        submission = capture_lead(cta, nonce=f"{email}-{n}", email=email).submission
        services.submission_set_status(submission=submission, to=Status.IN_REVIEW, by=sales)
        services.submission_assign(submission=submission, owner=sales, by=sales)
        services.note_add(contact=submission.contact, text=f"note {n}", by=sales)
    return submission.contact


def test_a_contact_with_30_submissions_costs_the_queries_of_one_with_3(sales_client, sales):
    few = contact_with_quotes(sales, 3, email="few@acme.example")
    many = contact_with_quotes(sales, 30, email="many@acme.example")
    sales_client.get(page_url(few))  # warm caches that are per process, not per page

    def queries(contact, **params):
        with CaptureQueriesContext(connection) as context:
            assert sales_client.get(page_url(contact), params).status_code == 200
        return len(context.captured_queries)

    assert queries(many) == queries(few)
    # Everything in full ("Show all"), the worst case, costs the same queries too.
    html = sales_client.get(page_url(many), {"all": "1"}).content.decode()
    assert kinds_on(html).count("submission") == 30
    assert queries(many, all="1") == queries(few, all="1") == queries(few)


# What they asked for, and how to reach them -----------------------------------------------------


def answers_of(html: str, submission) -> str:
    card = html.split(f'id="submission-{submission.pk}"', 1)[1].split("</section>", 1)[0]
    return card


def test_each_submission_opens_with_its_answers_under_labels(sales_client, submission):
    html = sales_client.get(page_url(submission.contact)).content.decode()
    card = answers_of(html, submission)
    # The questions' labels as the form asked them, in the form's order.
    labels = ["Phone", "Budget", "Timeline", "What do you need?"]
    for label, value in zip(
        labels,
        (
            "+44 20 7946 0000",
            "Under $5,000",
            "Just exploring",
            "We need a quote for lead capture on our blog.",
        ),
        strict=True,
    ):
        assert f"<dt>{label}</dt>" in card and value in card
    assert [card.index(f"<dt>{label}</dt>") for label in labels] == sorted(
        card.index(f"<dt>{label}</dt>") for label in labels
    )
    assert ">under-5k<" not in html and ">exploring<" not in html
    # Answers come before the review facts.
    assert (
        card.index("<dt>What do you need?</dt>")
        < card.index("<dt>Status</dt>")
        < card.index("<dt>Owner</dt>")
        < card.index("<dt>Page</dt>")
    )


def test_the_page_opens_with_name_and_company_and_links_to_reach_them(sales_client, contact):
    html = sales_client.get(page_url(contact)).content.decode()
    assert re.search(r'<h2 class="w-h2">Ana Lima <span[^>]*>· Acme</span></h2>', html)
    assert f'href="mailto:{EMAIL}"' in html
    assert 'href="tel:+442079460000"' in html


def test_qualify_is_the_primary_button_and_the_rest_secondary(sales_client, submission):
    html = sales_client.get(page_url(submission.contact)).content.decode()
    buttons = dict(
        re.findall(rf'name="status-{submission.pk}-to" value="\w+" class="([^"]+)">([^<]+)<', html)[
            i
        ][::-1]
        for i in range(4)
    )
    assert buttons == {
        "Qualify": "button button-small",
        "Start review": "button button-small button-secondary",
        "Disqualify": "button button-small button-secondary",
        "Mark spam": "button button-small button-secondary",
    }


def test_consent_reads_yes_or_no_with_its_exact_wording(sales_client, contact):
    html = sales_client.get(page_url(contact)).content.decode()
    consent = html.split('id="consent-section"', 1)[1].split("</section>", 1)[0]
    assert "<td>Yes</td>" in consent and "Given" not in consent
    assert contact.submissions.first().consent.text in consent


def test_a_newsletter_only_contact_says_there_is_nothing_more_to_read(sales_client):
    submission = capture_lead(make_cta("newsletter"), email="nl@acme.example").submission
    card = answers_of(sales_client.get(page_url(submission.contact)).content.decode(), submission)
    assert "No answers beyond name and email." in card


def test_older_submissions_are_one_line_each_until_show_all(sales_client, sales):
    contact = contact_with_quotes(sales, 12, email="busy@acme.example")
    html = sales_client.get(page_url(contact)).content.decode()
    assert html.count("Change the status of submission") == 10
    assert "2 older submissions" in html and "Show all 12 submissions in full" in html
    html = sales_client.get(page_url(contact), {"all": "1"}).content.decode()
    assert html.count("Change the status of submission") == 12 and "older submission" not in html
