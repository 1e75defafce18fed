"""CSV exports, streamed: a chunk of rows at a time, so memory stays flat however long the list.

UTF-8 with a byte order mark: without it Excel, the tool sales open exports with, reads UTF-8 as
Windows-1252 and mangles "José" or "Müller" (Python's `csv` reads it with
`encoding="utf-8-sig"`; most other tools skip it). Line breaks are kept as typed; the csv
module quotes the cells holding them.
"""

import csv

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from .cells import neutralise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
UTF8_BOM = "\ufeff"


class _Echo:
    """The file-like object the csv writer writes to: hands each line back instead."""

    def write(self, value: str) -> str:
        return value


class CsvExportMixin:
    """The CSV half of `SafeSpreadsheetExportMixin` (leads/exports/view.py), which gives it
    `safe_cell_value()`, `iter_export_items()` and the filename."""

    # CSV bytes gathered before handing a chunk to the server: one write per row is wasteful.
    csv_chunk_bytes = 32 * 1024

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
