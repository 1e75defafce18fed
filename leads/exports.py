"""Spreadsheet exports of lead lists: streamed, memory-flat, and safe to open in Excel.

`SafeSpreadsheetExportMixin` goes before Wagtail's `IndexView` (which already mixes in
`wagtail.admin.views.mixins.SpreadsheetExportMixin`) and keeps its API: `list_export`,
`export_headings`, `custom_field_preprocess`, `?export=csv` / `?export=xlsx`. What it changes:

- **Memory stays flat.** Wagtail builds the export from the unpaginated listing: its
  `get_context_data()` calls `len(object_list)` and its writers iterate the queryset, so every
  row is loaded into the queryset's result cache before the first byte leaves. Here an export
  request skips the HTML context altogether and reads rows with
  `QuerySet.iterator(chunk_size=...)` (a server-side cursor on PostgreSQL; `select_related`
  and, since Django 4.1, `prefetch_related` keep working per chunk).
- **CSV is streamed** in ~32 KB chunks, UTF-8 with a byte order mark: without it Excel, the
  tool sales staff open exports with, reads UTF-8 as Windows-1252 and mangles "José" or
  "Müller". Python's `csv` reads it with `encoding="utf-8-sig"`; most other tools skip it.
- **XLSX is built in write-only mode into a temporary file** (openpyxl writes rows to disk as
  they come and uses inline strings, so no shared-string table grows) and sent from that file
  with a `FileResponse`, which streams it in blocks and deletes it when the response closes.
  No new dependency: a true streamed zip would need one (e.g. stream-zip) for little gain.
- **Formula injection is neutralised in both formats and every column** (see `neutralise()`),
  after any custom preprocessing so a preprocessor cannot bypass it, and after control
  characters are dropped (see `clean_for_spreadsheet()`): LibreOffice drops a leading NUL and
  runs the formula behind it. Phone numbers are the one exception (see `is_plain_phone()`).
- **Characters XML 1.0 forbids never reach the XLSX** (see `clean_for_xlsx()`); in CSV line
  breaks are kept as typed and the csv module quotes cells holding them.
- **Dates are in the site's time zone** (`TIME_ZONE`), written year first: CSV as ISO 8601 with
  the UTC offset (``2026-11-22 14:03:05+01:00``), XLSX as real date cells formatted
  ``yyyy-mm-dd hh:mm:ss`` (Excel cells have no time zone, so datetime column headings name it,
  e.g. "Received (Europe/Paris)"). Wagtail's default writes UTC with the locale's short
  format, which is ambiguous (is 03/04 March or April?).
- **Filenames carry no personal data**: ``leads-2026-11-22.csv`` (the site's local date).
- **Export needs the model's export permission** when the model declares one
  (``leads.export_submission``); the download buttons are hidden without it.
- **Every export is in the audit log** (`services.export_record`): who, when, the format, the
  row count and the filters, never the search term (it may be a name or an address).

See OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import count

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.mixins import SpreadsheetExportMixin

# A cell starting with one of these is read as a formula (=, +, -, @) or, for tab and carriage
# return, can shift what follows into a formula position when the text is pasted or re-parsed.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# Full-width forms that some Excel builds (East Asian input) also accept as a formula start.
FULLWIDTH_TRIGGERS = frozenset("\uff1d\uff0b\uff0d\uff20")
# What a spreadsheet may skip before it decides whether a cell is a formula: controls, Unicode
# spaces (no-break, ideographic, line and paragraph separators) and invisible format
# characters (zero-width space, byte order mark, bidi marks).
SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# A phone number as the lead forms accept it (leads.forms.PHONE), ASCII digits only.
PLAIN_PHONE_RE = re.compile(r"\+?[0-9 ()./-]{5,40}", flags=re.ASCII)
# Controls that carry nothing a reader sees, in CSV and XLSX alike: C0 but tab and line breaks,
# DEL and the C1 controls.
_INVISIBLE_CONTROLS_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# XML 1.0 forbids C0 controls other than tab, line feed and carriage return (openpyxl's
# ILLEGAL_CHARACTERS_RE), and also lone surrogates and U+FFFE/U+FFFF, which openpyxl lets through
# and which then make the file unreadable or the write fail.
_XML_FORBIDDEN_EXTRA_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
# Vertical tab and form feed are how Word marks manual line and page breaks in pasted text.
_LINE_BREAK_CONTROLS_RE = re.compile("[\x0b\x0c]")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
UTF8_BOM = "\ufeff"


def neutralise(value):
    """Return `value` safe to put in a spreadsheet cell.

    Text that a spreadsheet could run as a formula gets a leading single quote (OWASP): text
    whose first character is ``=``, ``+``, ``-``, ``@``, tab or carriage return, and also text
    where such a character (or its full-width form) follows leading controls, Unicode spaces or
    invisible format characters, because spreadsheet imports commonly skip those before
    deciding what a cell is. The rest of the text is kept as is.
    Numbers, dates, booleans and None are returned unchanged: a score of -5 stays a number.
    """
    if not isinstance(value, str) or not value:
        return value
    first_visible = next(
        (char for char in value if unicodedata.category(char) not in SKIPPED_CATEGORIES), ""
    )
    if value[0] in FORMULA_TRIGGERS or (
        first_visible and first_visible in FORMULA_TRIGGERS | FULLWIDTH_TRIGGERS
    ):
        return "'" + value
    return value


def is_plain_phone(value) -> bool:
    """Is `value` a phone number and nothing else (digits, spaces and + ( ) - . / only)?

    Such a value is written without the leading quote: a CRM importing the CSV would keep the
    quote as part of the number. It is safe bare: a formula that does harm calls a function
    (HYPERLINK, WEBSERVICE), names a cell or runs a DDE command, and all of those need letters,
    `|` or `!`; the worst a spreadsheet can do with "+44 20 7946 0000" is show it as a sum.
    """
    return isinstance(value, str) and PLAIN_PHONE_RE.fullmatch(value) is not None


def clean_for_spreadsheet(value):
    """Return `value` without the characters that carry nothing a reader sees, for CSV and
    XLSX alike, so that what `neutralise()` looks at is what a spreadsheet will read.

    Vertical tab and form feed (line and page breaks in text pasted from Word) become line
    feeds; other control characters (NUL, bell, escape, DEL, C1...) are dropped, as are lone
    surrogates and U+FFFE/U+FFFF. Tab, line feed and carriage return are kept. Non-text values
    are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    value = _LINE_BREAK_CONTROLS_RE.sub("\n", value)
    value = _INVISIBLE_CONTROLS_RE.sub("", value)
    return _XML_FORBIDDEN_EXTRA_RE.sub("", value)


def clean_for_xlsx(value):
    """Return `value` with every character XML 1.0 forbids removed, so the XLSX always opens:
    `clean_for_spreadsheet()`, and carriage returns become line feeds (Excel's in-cell line
    break): XML readers do that to a raw CR anyway, so the file says what every reader will
    show. Non-text values are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    value = clean_for_spreadsheet(value).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _csv_datetime(value: datetime.datetime) -> str:
    # Seconds are enough for a lead list; the offset makes the hour unambiguous, DST included.
    return _local(value).isoformat(sep=" ", timespec="seconds")


def _xlsx_datetime(value: datetime.datetime) -> datetime.datetime:
    # Excel cells cannot hold a time zone: write the site's wall-clock time, named in the heading.
    return timezone.make_naive(_local(value)) if timezone.is_aware(value) else value


def _join(value: Iterable) -> str:
    return ", ".join(force_str(item) for item in value)


def _mapping_to_str(value: dict) -> str:
    """JSON objects (answers, first touch) as "name: Ana; company: Acme", not a Python repr."""
    return "; ".join(f"{key}: {force_str(item)}" for key, item in value.items())


def _model_field(model, path: str):
    """The model field a `list_export` entry names (dotted through relations), or None."""
    parts = path.split(".")
    for position, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if position < len(parts) - 1:
            if not field.is_relation or field.related_model is None:
                return None
            model = field.related_model
    return field


class _Echo:
    """The file-like object the csv writer writes to: hands each line back instead."""

    def write(self, value: str) -> str:
        return value


class SafeSpreadsheetExportMixin:
    """Streamed, memory-flat, formula-safe CSV and XLSX exports for a Wagtail `IndexView`.

    Put it first: ``class InboxIndexView(SafeSpreadsheetExportMixin, IndexView)``. Configure
    with Wagtail's attributes (`list_export`, `export_headings`, `custom_field_preprocess`)
    plus `export_filename` (the filename's stem, dated on download), `export_sheet_title`,
    `export_chunk_size` and `export_permission`.
    """

    FORMAT_CSV = SpreadsheetExportMixin.FORMAT_CSV
    FORMAT_XLSX = SpreadsheetExportMixin.FORMAT_XLSX

    export_filename = "leads"
    export_sheet_title = "Leads"
    # Rows fetched per database round trip; only one chunk of model instances lives at a time.
    export_chunk_size = 2000
    # Permission needed to export, e.g. "leads.export_submission". None: the model's
    # "export_<model>" permission if its Meta declares one, else the view's own permissions.
    export_permission: str | None = None
    # CSV bytes gathered before handing a chunk to the server: one write per row is wasteful.
    csv_chunk_bytes = 32 * 1024
    # How the export reads in the audit log, e.g. "Lead inbox export".
    export_audit_label = "Export"
    # Columns (the last part of a `list_export` entry) holding phone numbers: a plain number
    # there is written without the leading quote (see `is_plain_phone()`).
    export_phone_fields = frozenset({"phone"})

    custom_value_preprocess = {
        datetime.datetime: {FORMAT_CSV: _csv_datetime, FORMAT_XLSX: _xlsx_datetime},
        # datetime is a date subclass: the entry above wins, as the first match is used.
        (datetime.date, datetime.time): {
            FORMAT_CSV: lambda value: value.isoformat(),
            FORMAT_XLSX: None,
        },
        (bool, int, float, Decimal): {FORMAT_CSV: None, FORMAT_XLSX: None},
        dict: {FORMAT_CSV: _mapping_to_str, FORMAT_XLSX: _mapping_to_str},
        (list, tuple, set, frozenset): {FORMAT_CSV: _join, FORMAT_XLSX: _join},
    }

    # Permission -----------------------------------------------------------------------------

    def get_export_permission(self) -> str | None:
        if self.export_permission:
            return self.export_permission
        if getattr(self, "model", None) is None:
            return None
        opts = self.model._meta
        codename = f"export_{opts.model_name}"
        if any(declared == codename for declared, _ in opts.permissions):
            return f"{opts.app_label}.{codename}"
        return None

    def user_can_export(self) -> bool:
        permission = self.get_export_permission()
        return permission is None or self.request.user.has_perm(permission)

    @cached_property
    def show_export_buttons(self):
        return super().show_export_buttons and self.user_can_export()

    # Request flow ---------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        # An export never renders the listing: Wagtail's context would count (and so load)
        # every row of the unpaginated queryset before the export starts.
        if self.is_export:
            if not self.user_can_export():
                return self.export_refused()
            queryset = self.get_queryset()
            self.record_export(queryset, request.GET.get("export"))
            return self.as_spreadsheet(queryset, request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def export_refused(self):
        return permission_denied(self.request)

    def record_export(self, queryset, export_format: str) -> None:
        """Personal data is leaving: say so in the audit log before the first byte does."""
        from . import services

        services.export_record(
            model=self.model,
            label=self.export_audit_label,
            by=self.request.user,
            export_format=export_format,
            rows=queryset.count(),
            filters=self.export_filters(),
        )

    def export_filters(self) -> dict:
        """The filters an export applied, as the query string gave them, for the audit log:
        the filter form's fields and the ordering. A search term is not kept (it may be a name
        or an address); only that there was one."""
        filters = getattr(self, "filters", None)
        names = [*(filters.form.fields if filters is not None else ()), "ordering"]
        kept = {}
        for key in sorted(self.request.GET):
            if any(key == name or key.startswith(f"{name}_") for name in names):
                values = [value[:100] for value in self.request.GET.getlist(key) if value]
                if values:
                    kept[key] = values if len(values) > 1 else values[0]
        if getattr(self, "search_query", None):
            kept["search"] = "(a search term, not recorded)"
        return kept

    def get_filename(self) -> str:
        """The filename's stem: no search terms or filters, which could be personal data."""
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def iter_export_items(self, queryset) -> Iterator:
        """Yield the rows to export without ever holding more than one chunk of them."""
        if isinstance(queryset, QuerySet):
            yield from queryset.iterator(chunk_size=self.export_chunk_size)
            return
        # Wagtail search results have no iterator(): read them one slice at a time.
        for start in count(0, self.export_chunk_size):
            batch = list(queryset[start : start + self.export_chunk_size])
            yield from batch
            if len(batch) < self.export_chunk_size:
                return

    # Cells ----------------------------------------------------------------------------------

    def get_heading(self, queryset, field):
        heading = super().get_heading(queryset, field)
        if heading == field:
            # No label found (e.g. "answers.job_title"): "Job title" reads better.
            heading = capfirst(field.rsplit(".", 1)[-1].replace("_", " "))
        model_field = _model_field(queryset.model, field)
        if model_field is not None and model_field.get_internal_type() == "DateTimeField":
            return f"{heading} ({timezone.get_current_timezone_name()})"
        return heading

    @cached_property
    def _preprocess_functions(self) -> dict:
        return {}

    def get_preprocess_function(self, field, value, export_format):
        # Wagtail searches its preprocessors for every cell; the answer depends only on the
        # column and the value's type, and 100k rows x 20 columns is two million lookups.
        key = (field, type(value), export_format)
        try:
            return self._preprocess_functions[key]
        except KeyError:
            function = super().get_preprocess_function(field, value, export_format)
            self._preprocess_functions[key] = function
            return function

    def safe_cell_value(self, field, value, export_format):
        """The value to write: preprocessed as Wagtail would, then made safe for the format."""
        value = self.preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            value = str(value)  # SafeString and friends: plain text from here on
        # Clean first: removing a control character can expose a formula trigger.
        if export_format == self.FORMAT_XLSX:
            value = clean_for_xlsx(value)
        else:
            value = clean_for_spreadsheet(value)
        if field.rsplit(".", 1)[-1] in self.export_phone_fields and is_plain_phone(value):
            return value
        return neutralise(value)

    # CSV ------------------------------------------------------------------------------------

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            [
                self.safe_cell_value(field, value, self.FORMAT_CSV)
                for field, value in row_dict.items()
            ]
        )

    def stream_csv(self, queryset):
        """Yield the CSV as UTF-8 bytes, a chunk of rows at a time."""
        writer = csv.writer(_Echo())
        buffer = [
            UTF8_BOM,
            writer.writerow(
                [neutralise(self.get_heading(queryset, field)) for field in self.list_export]
            ),
        ]
        size = 0
        for item in self.iter_export_items(queryset):
            line = self.write_csv_row(writer, self.to_row_dict(item))
            buffer.append(line)
            size += len(line)
            if size >= self.csv_chunk_bytes:
                yield self._encode_csv(buffer)
                buffer, size = [], 0
        yield self._encode_csv(buffer)

    @staticmethod
    def _encode_csv(lines: list[str]) -> bytes:
        # A lone surrogate (possible in JSON answers on SQLite) must not end the download.
        return "".join(lines).encode("utf-8", errors="replace")

    def write_csv_response(self, queryset):
        response = StreamingHttpResponse(self.stream_csv(queryset), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{self.get_filename()}.csv"
        )
        return response

    # XLSX -----------------------------------------------------------------------------------

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        from openpyxl.cell import WriteOnlyCell

        for field, value in row_dict.items():
            cell = WriteOnlyCell(worksheet, self.safe_cell_value(field, value, self.FORMAT_XLSX))
            if cell.data_type == "f":
                # Unreachable after neutralise(); kept as a second lock, as Wagtail does.
                cell.data_type = "s"
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = XLSX_DATE_FORMAT
            yield cell

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title=self.export_sheet_title)
        worksheet.freeze_panes = "A2"
        bold = Font(bold=True)
        headings = []
        for field in self.list_export:
            cell = WriteOnlyCell(worksheet, clean_for_xlsx(self.get_heading(queryset, field)))
            cell.font = bold
            headings.append(cell)
        worksheet.append(headings)
        for item in self.iter_export_items(queryset):
            worksheet.append(self.generate_xlsx_row(worksheet, self.to_row_dict(item)))
        workbook.save(output)

    def write_xlsx_response(self, queryset):
        # On disk, not in a BytesIO: the zip of 100k rows is tens of megabytes. The file has
        # no name on disk and is deleted when FileResponse closes it after the last block.
        output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
        try:
            self.write_xlsx(queryset, output)
            output.seek(0)
        except BaseException:
            output.close()
            raise
        return FileResponse(
            output,
            as_attachment=True,
            content_type=XLSX_CONTENT_TYPE,
            filename=f"{self.get_filename()}.xlsx",
        )
