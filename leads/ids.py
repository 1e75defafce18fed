"""Database ids typed by people: in query strings (inbox filters) and POST bodies (bulk actions).

Django passes any integer to the database, and SQLite cannot even bind one above 2**63 - 1
(`?article=99999999999999999999999` was an OverflowError, a 500). Every id a request carries is
read here first: digits only, 1 to MAX_ID, anything else is "no such choice" (a form error the
admin shows), never a query.
"""

from django import forms
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

# The largest id SQLite and PostgreSQL (bigint) store; Django's BigAutoField stays below it.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` as a database id, or None if it cannot be one ("abc", "-1", "1e5", 10**30)."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdChoiceMixin:
    """For a model choice field keyed by pk: an impossible id is an invalid choice, not a
    query."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, self.queryset.model)
            and parse_id(value) is None
        ):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdModelChoiceField(IdChoiceMixin, FilterModelChoiceField):
    """django-filter's ModelChoiceField (a filter's "All" and null choices), ids checked."""


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ticked rows by id: an impossible id is refused like an unknown one."""

    def _check_values(self, value):
        for pk in value:
            if not isinstance(pk, self.queryset.model) and parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
