"""The hardened fields of the forms readers fill in: one line of text without control
characters, a message, an email address tidied to the mailbox it reaches, a phone number."""

from django import forms
from django.core.validators import RegexValidator

from ..cleaning import BIDI_CONTROL, CONTROL, is_one_line
from ..identity import tidy_email

PHONE = RegexValidator(
    r"^\+?[0-9 ()./-]{5,40}$",
    "Enter a phone number with digits, spaces and + ( ) - only, e.g. +44 20 7946 0000.",
)


UNREADABLE = "\ufffd"  # the replacement character


class TextInput(forms.CharField):
    """A one-line answer: no control characters or line breaks (header injection)."""

    def __init__(self, *, autocomplete, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs["autocomplete"] = autocomplete

    def to_python(self, value):
        # Bidi overrides and isolates make a name read differently from what it is (in the
        # inbox, in mail subjects); right-to-left names never need them, so they are dropped.
        return BIDI_CONTROL.sub("", super().to_python(value)).strip()

    def validate(self, value):
        super().validate(value)
        if not is_one_line(value):
            raise forms.ValidationError(
                "Use letters, numbers and punctuation only, on one line.", code="control"
            )
        if UNREADABLE in value:
            # Invalid UTF-8 arrives as U+FFFD (Django decodes with errors="replace"): storing
            # it would keep a name no one can read or write back.
            raise forms.ValidationError(
                "Part of this arrived unreadable. Please type it again.", code="unreadable"
            )


class MessageInput(forms.CharField):
    def validate(self, value):
        super().validate(value)
        if CONTROL.search(value):
            raise forms.ValidationError(
                "Remove the invisible control characters from your message.", code="control"
            )


class EmailInput(forms.EmailField):
    def __init__(self, **kwargs):
        super().__init__(max_length=254, **kwargs)
        self.widget.attrs.update(autocomplete="email", spellcheck="false")
        self.error_messages["invalid"] = "Enter an email address like name@company.com."

    def to_python(self, value):
        value = super().to_python(value)
        if not is_one_line(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # Validated and stored as the mailbox it reaches (full-width letters, soft hyphens and
        # zero-width characters out, domain IDNA-encoded): see leads/identity.py.
        value = tidy_email(value)
        if not value.rpartition("@")[0].isascii():
            # Django's validator lets U+0130 and U+0131 through (its ASCII pattern ignores case),
            # but its mail code cannot send to a non-ASCII local part: no one could reply.
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value
