"""The contact page reads every answer through the form the person answered: its labels, its
order, countries by name, the contact's properties and the consent ledger by purpose."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leads.models import CallToAction
from tests.factories import answer_form, consent_question, make_form_cta, make_user, question

pytestmark = pytest.mark.django_db

TOPICS = [("seo", "Search engines"), ("ads", "Paid ads"), ("mail", "Email")]


@pytest.fixture
def sales_client(client):
    client.force_login(make_user("sam", "Sales"))
    return client


@pytest.fixture
def cta():
    return make_form_cta(
        question("country", "where", "Where are you based?", property="country"),
        question("checkboxes", "topics", "What interests you?", choices=TOPICS),
        question("dropdown", "size", "Team size", property="company_size"),
        consent_question("marketing", text="Email me the monthly digest."),
        consent_question("partner", text="Share my details with a reseller."),
        title="Audit request",
    )


def page(client, contact) -> str:
    return client.get(reverse("leads_contact:detail", args=[contact.pk])).content.decode()


def card_of(html, submission) -> str:
    return html.split(f'id="submission-{submission.pk}"', 1)[1].split("</section>", 1)[0]


def test_each_answer_reads_under_its_question_in_form_order(sales_client, cta):
    submission = answer_form(cta, where="DE", topics=["seo", "mail"], size="11-50")
    card = card_of(page(sales_client, submission.contact), submission)
    rows = [
        ("Where are you based?", "Germany"),
        ("What interests you?", "Search engines, Email"),
        ("Team size", "11-50 people"),
    ]
    positions = []
    for label, value in rows:
        assert f"<dt>{label}</dt>" in card and f"{value}</dd>" in card
        positions.append(card.index(f"<dt>{label}</dt>"))
    assert positions == sorted(positions)
    assert ">seo<" not in card and "11-50<" not in card and ">DE<" not in card


def test_an_answer_keeps_the_label_its_reader_saw_after_the_form_changes(sales_client, cta):
    submission = answer_form(cta, where="FR", topics=["ads"], size="1-10")
    cta.questions = [
        {**block, "value": {**block["value"], "label": "Topics"}}
        if block["value"].get("name") == "topics"
        else block
        for block in cta.questions.raw_data
    ]
    cta.save()
    cta = CallToAction.objects.get(pk=cta.pk)
    answer_form(cta, email=submission.contact.email, where="FR", topics=["ads"], size="1-10")
    html = page(sales_client, submission.contact)
    assert "<dt>What interests you?</dt>" in card_of(html, submission)
    assert "<dt>Topics</dt>" in html


def test_details_show_the_country_and_the_contact_properties(sales_client, cta):
    submission = answer_form(cta, where="PT", topics=["ads"], size="51-200")
    details = page(sales_client, submission.contact).split('id="details-section"', 1)[1]
    details = details.split("</section>", 1)[0]
    assert "<dt>Country</dt>" in details and "<dd>Portugal</dd>" in details
    assert "<dt>Company size</dt>" in details and "<dd>51-200 people</dd>" in details


def test_consent_lists_each_purpose_given_or_refused_with_its_wording(sales_client, cta):
    submission = answer_form(
        cta, where="DE", topics=["seo"], size="1-10", consents={"marketing": True}
    )
    html = page(sales_client, submission.contact)
    consent = html.split('id="consent-section"', 1)[1].split("</section>", 1)[0]
    marketing = consent.split('<th scope="row">Marketing email</th>', 1)[1].split("</tr>", 1)[0]
    partner = consent.split('<th scope="row">Sharing with a partner</th>', 1)[1]
    partner = partner.split("</tr>", 1)[0]
    assert 'data-label="Agreed">Yes</td>' in marketing and "<details>" in marketing
    assert "Email me the monthly digest." in marketing
    assert "No, refused" in partner and "Share my details with a reseller." in partner


def test_builder_answers_cost_no_query_per_submission(sales_client, cta):
    first = answer_form(cta, where="DE", topics=["seo"], size="1-10")
    email = first.contact.email

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert sales_client.get(reverse("leads_contact:detail", args=[first.contact_id]))
        return len(context.captured_queries)

    page(sales_client, first.contact)  # warm per-process caches
    one = queries()
    for _ in range(4):
        answer_form(cta, email=email, where="FR", topics=["ads", "mail"], size="11-50")
    assert queries() == one
