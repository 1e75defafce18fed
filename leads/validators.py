"""Validators shared by the lead models."""

import unicodedata

from django.core.exceptions import ValidationError

# Control characters (CR, LF, tab, NUL...) and the Unicode line and paragraph separators.
LINE_BREAKING = {"Cc", "Zl", "Zp"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(character) in LINE_BREAKING for character in value)


def validate_one_line(value: str) -> None:
    """Refuse line breaks and other control characters in one-line text: a CTA's name and
    headline go into email subjects, where a line break makes every message fail."""
    if has_control_characters(value):
        raise ValidationError(
            "Use one line of plain text: no line breaks, tabs or other control characters.",
            code="control_characters",
        )


def one_line(value) -> str:
    """`value` as one header-safe line: control characters and line separators become spaces,
    runs of spaces one. For email subjects built from stored text, including snapshots saved
    before `validate_one_line` existed."""
    text = "".join(
        " " if unicodedata.category(character) in LINE_BREAKING else character
        for character in str(value)
    )
    return " ".join(text.split())
