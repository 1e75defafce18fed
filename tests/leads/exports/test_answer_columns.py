"""The answers in the inbox's exports: a column per question for one CTA's leads, one
"Answers" column across CTAs; labels, not codes; the formula guard on every new cell."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leads.models import Status, Submission
from tests.factories import (
    answer_form,
    capture_lead,
    consent_question,
    make_cta,
    make_form_cta,
    make_user,
    question,
)
from tests.leads.exports.test_exports import csv_rows, download, xlsx_rows

pytestmark = pytest.mark.django_db

TOPICS = [("seo", "Search engines"), ("ads", "Paid ads"), ("mail", "Email")]


@pytest.fixture
def sales(client):
    user = make_user("sales", "Sales")
    client.force_login(user)
    return user


@pytest.fixture
def cta():
    return make_form_cta(
        question("text", "name", "Full name", property="name"),
        question("checkboxes", "topics", "What interests you?", choices=TOPICS),
        question("country", "where", "Where are you based?", property="country"),
        question("long_text", "goal", "Your goal"),
        question("hidden", "campaign", "Campaign", source="fixed", value="spring"),
        consent_question("marketing"),
        title="Audit request",
    )


def exported(client, export, **params) -> list[dict]:
    query = "&".join(f"{key}={value}" for key, value in {**params, "export": export}.items())
    _, content = download(client, f"{reverse('leads_inbox:index')}?{query}")
    header, *rows = csv_rows(content) if export == "csv" else xlsx_rows(content)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_one_ctas_export_has_a_column_per_question_under_its_label(client, sales, cta, export):
    answer_form(
        cta,
        name="Ana Lima",
        topics=["seo", "mail"],
        where="DE",
        goal="More demos",
        consents={"marketing": True},
    )
    (row,) = exported(client, export, cta=cta.pk)
    assert row["What interests you?"] == "Search engines, Email"
    assert row["Where are you based?"] == "Germany"
    assert row["Your goal"] == "More demos"
    assert row["Campaign"] == "spring"  # hidden fields too
    assert row["Consent: Marketing email"] == "Yes"
    assert row["Name"] == "Ana Lima" and "Full name" not in row  # the person's columns once
    assert "Answers" not in row


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_a_refused_purpose_exports_as_no(client, sales, cta, export):
    answer_form(cta, name="Bo", topics=["ads"], where="FR", goal="x")
    (row,) = exported(client, export, cta=cta.pk)
    assert row["Consent: Marketing email"] == "No"


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_an_export_across_ctas_has_one_answers_column(client, sales, cta, export):
    answer_form(cta, name="Ana", topics=["ads"], where="PT", goal="Leads")
    capture_lead(make_cta("quote"), budget="over-50k", timeline="now", email="bo@b.example")
    rows = exported(client, export)
    assert len(rows) == 2
    by_cta = {row["CTA"]: row["Answers"] for row in rows}
    assert by_cta["Audit request"] == (
        "What interests you? Paid ads; Where are you based? Portugal; Your goal: Leads; "
        "Campaign: spring"
    )
    quote = next(text for title, text in by_cta.items() if title != "Audit request")
    assert "Budget: Over $50,000" in quote and "Timeline: As soon as possible" in quote
    assert "over-50k" not in quote


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_answer_cells_are_neutralised(client, sales, cta, export):
    answer_form(cta, name="Ana", topics=["ads"], where="DE", goal='=HYPERLINK("x")')
    (row,) = exported(client, export, cta=cta.pk)
    assert row["Your goal"] == '\'=HYPERLINK("x")'
    # Across CTAs the cell starts with a label; a hostile label is neutralised too.
    Submission.objects.update(answers={"=cmd": "1"}, form_version=None)
    (row,) = exported(client, export)
    assert row["Answers"] == "'=cmd: 1"


def test_a_ctas_export_runs_the_same_queries_for_3_or_30_rows(client, sales, cta):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            download(client, f"{reverse('leads_inbox:index')}?cta={cta.pk}&export=csv")
        return len(context.captured_queries)

    for n in range(3):
        answer_form(cta, name=f"P{n}", topics=["ads"], where="DE", goal="x")
    few = queries()
    for n in range(27):
        answer_form(cta, name=f"Q{n}", topics=["seo"], where="FR", goal="y")
    Submission.objects.update(status=Status.NEW)
    assert queries() == few
