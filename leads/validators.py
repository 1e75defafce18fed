"""Validators shared by the lead models."""

from django.core.exceptions import ValidationError

from .cleaning import is_one_line


def validate_one_line(value: str) -> None:
    """Refuse line breaks and other control characters in one-line text: a CTA's name and
    headline go into email subjects, where a line break makes every message fail."""
    if not is_one_line(value):
        raise ValidationError(
            "Use one line of plain text: no line breaks, tabs or other control characters.",
            code="control_characters",
        )
