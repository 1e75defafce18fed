"""Exports of lead data: streamed, memory-flat spreadsheets that are safe to open in Excel,
and a person's data as JSON.

- view.py         SafeSpreadsheetExportMixin for admin listings: permission, audit, rows
- csv_writer.py   the CSV, streamed with a byte order mark
- xlsx_writer.py  the XLSX, written to a temporary file and streamed from it
- answers.py      the answers' columns: one per question of one CTA, or one "Answers" cell
- cells.py        what a cell may hold: formula injection, invisible and forbidden characters
- json_writer.py  a person's data as a JSON download (the privacy tools)
"""

from .answers import AnswerColumnsMixin
from .cells import clean_for_spreadsheet, clean_for_xlsx, is_plain_phone, neutralise
from .csv_writer import CSV_CONTENT_TYPE, UTF8_BOM
from .json_writer import json_download
from .view import SafeSpreadsheetExportMixin
from .xlsx_writer import XLSX_CONTENT_TYPE, XLSX_DATE_FORMAT, XLSX_DATETIME_FORMAT

__all__ = [
    "CSV_CONTENT_TYPE",
    "UTF8_BOM",
    "XLSX_CONTENT_TYPE",
    "XLSX_DATETIME_FORMAT",
    "XLSX_DATE_FORMAT",
    "AnswerColumnsMixin",
    "SafeSpreadsheetExportMixin",
    "clean_for_spreadsheet",
    "clean_for_xlsx",
    "is_plain_phone",
    "json_download",
    "neutralise",
]
