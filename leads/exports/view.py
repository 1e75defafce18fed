"""Spreadsheet exports of lead lists for a Wagtail `IndexView`: who may, what is logged, and
how rows are read. The cells are made safe in cells.py, the files written by csv_writer.py and
xlsx_writer.py.

`SafeSpreadsheetExportMixin` goes before Wagtail's `IndexView` and keeps its API
(`list_export`, `export_headings`, `custom_field_preprocess`, `?export=csv` / `?export=xlsx`).
An export never builds the HTML listing and reads rows a chunk at a time, so memory stays flat;
it needs the model's export permission when one is declared; it is written to the audit log
before the first byte leaves; its file name carries the date only, no personal data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from itertools import count

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from .. import answers, services
from .cells import (
    clean_for_spreadsheet,
    clean_for_xlsx,
    csv_datetime,
    is_plain_phone,
    join,
    mapping_to_str,
    model_field,
    neutralise,
    xlsx_datetime,
)
from .csv_writer import CsvExportMixin
from .xlsx_writer import XlsxExportMixin


class SafeSpreadsheetExportMixin(CsvExportMixin, XlsxExportMixin):
    """Streamed, memory-flat, formula-safe CSV and XLSX exports for a Wagtail `IndexView`.

    Put it first: ``class InboxIndexView(SafeSpreadsheetExportMixin, IndexView)``. Configure
    with Wagtail's attributes (`list_export`, `export_headings`, `custom_field_preprocess`)
    plus `export_filename` (the filename's stem, dated on download), `export_sheet_title`,
    `export_chunk_size` and `export_permission`.
    """

    FORMAT_CSV = SpreadsheetExportMixin.FORMAT_CSV
    FORMAT_XLSX = SpreadsheetExportMixin.FORMAT_XLSX

    export_filename = "leads"
    # Rows fetched per database round trip; only one chunk of model instances lives at a time.
    export_chunk_size = 2000
    # Permission needed to export, e.g. "leads.export_submission". None: the model's
    # "export_<model>" permission if its Meta declares one, else the view's own permissions.
    export_permission: str | None = None
    # How the export reads in the audit log, e.g. "Lead inbox export".
    export_audit_label = "Export"
    # Columns (the last part of a `list_export` entry) holding phone numbers: a plain number
    # there is written without the leading quote (see `is_plain_phone()`).
    export_phone_fields = frozenset({"phone"})

    # Columns (the last part of a `list_export` entry) holding a choice answer: written as the
    # label the person picked ("$20,000 to $50,000"), never the stored code ("20k-50k").
    export_choice_fields = frozenset(answers.CHOICES)

    custom_value_preprocess = {
        # A tick box reads Yes/No, as on every other screen (before int: bool is an int).
        bool: {FORMAT_CSV: answers.yes_no, FORMAT_XLSX: answers.yes_no},
        datetime.datetime: {FORMAT_CSV: csv_datetime, FORMAT_XLSX: xlsx_datetime},
        # datetime is a date subclass: the entry above wins, as the first match is used.
        (datetime.date, datetime.time): {
            FORMAT_CSV: lambda value: value.isoformat(),
            FORMAT_XLSX: None,
        },
        (bool, int, float, Decimal): {FORMAT_CSV: None, FORMAT_XLSX: None},
        dict: {FORMAT_CSV: mapping_to_str, FORMAT_XLSX: mapping_to_str},
        (list, tuple, set, frozenset): {FORMAT_CSV: join, FORMAT_XLSX: join},
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
        found = model_field(queryset.model, field)
        if found is not None and found.get_internal_type() == "DateTimeField":
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
        """The value to write: a choice answer as its label, preprocessed as Wagtail would, then
        made safe for the format."""
        name = field.rsplit(".", 1)[-1]
        if name in self.export_choice_fields and isinstance(value, str):
            value = answers.value_label(name, value)
        value = self.preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            value = str(value)  # SafeString and friends: plain text from here on
        # Clean first: removing a control character can expose a formula trigger.
        if export_format == self.FORMAT_XLSX:
            value = clean_for_xlsx(value)
        else:
            value = clean_for_spreadsheet(value)
        if name in self.export_phone_fields and is_plain_phone(value):
            return value
        return neutralise(value)
