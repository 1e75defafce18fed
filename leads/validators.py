"""Validators shared by the lead models."""

from django.core.exceptions import ValidationError

from .cleaning import is_one_line, one_line


def validate_one_line(value: str) -> None:
    """Refuse line breaks and other control characters in one-line text: a CTA's name and
    headline go into email subjects, where a line break makes every message fail."""
    if not is_one_line(value):
        raise ValidationError(
            "Use one line of plain text: no line breaks, tabs or other control characters.",
            code="control_characters",
        )


# Migration 0010 joins the lines of CTAs saved before `validate_one_line` by these names; they
# were defined here then (leads/cleaning.py has the one definition now).
def has_control_characters(value: str) -> bool:
    return not is_one_line(value)


__all__ = ["has_control_characters", "one_line", "validate_one_line"]
