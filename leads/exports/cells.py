"""What goes into a spreadsheet cell: text made safe to open, values in a readable form.

Formula injection is neutralised in every column of both formats (`neutralise()`), after the
characters a reader cannot see are dropped (`clean_for_spreadsheet()`: LibreOffice drops a
leading NUL and runs the formula behind it); phone numbers are the one exception
(`is_plain_phone()`). Characters XML 1.0 forbids never reach an XLSX (`clean_for_xlsx()`).
Dates are in the site's time zone, year first. See OWASP, "CSV Injection":
https://owasp.org/www-community/attacks/CSV_Injection
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.encoding import force_str
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A cell starting with one of these is read as a formula (=, +, -, @) or, for tab and carriage
# return, can shift what follows into a formula position when the text is pasted or re-parsed.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# Full-width forms that some Excel builds (East Asian input) also accept as a formula start.
FULLWIDTH_TRIGGERS = frozenset("\uff1d\uff0b\uff0d\uff20")
# What a spreadsheet may skip before it decides whether a cell is a formula: controls, Unicode
# spaces (no-break, ideographic, line and paragraph separators) and invisible format
# characters (zero-width space, byte order mark, bidi marks).
SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# A phone number as the lead forms accept it (leads.capture.forms.PHONE), ASCII digits only.
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


def csv_datetime(value: datetime.datetime) -> str:
    """ISO 8601 with the UTC offset (``2026-11-22 14:03:05+01:00``): seconds are enough for a
    lead list, and the offset makes the hour unambiguous, DST included."""
    return _local(value).isoformat(sep=" ", timespec="seconds")


def xlsx_datetime(value: datetime.datetime) -> datetime.datetime:
    """Excel cells cannot hold a time zone: the site's wall-clock time, named in the heading."""
    return timezone.make_naive(_local(value)) if timezone.is_aware(value) else value


def join(value: Iterable) -> str:
    return ", ".join(force_str(item) for item in value)


def mapping_to_str(value: dict) -> str:
    """JSON objects (answers, first touch) as "name: Ana; company: Acme", not a Python repr."""
    return "; ".join(f"{key}: {force_str(item)}" for key, item in value.items())


def model_field(model, path: str):
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
