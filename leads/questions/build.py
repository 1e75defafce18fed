"""The form readers fill in, built from a CTA's questions.

Wagtail's `contrib.forms` FormBuilder does this for its form pages: one `create_<type>_field`
method per field type, dispatched by `get_create_field_function`. We keep that dispatch and
give each type our own hardened field (one-line text without control characters, emails
tidied to the mailbox they reach, phone numbers checked) with the `type` and `autocomplete`
a browser needs. Its model-based field definitions and comma-separated choices do not fit
questions with codes, conditions, steps, consent purposes and contact properties, so the
definitions are ours (leads/questions/definition.py).
"""

from decimal import Decimal

from django import forms
from django_countries import countries
from wagtail.contrib.forms.forms import FormBuilder

from .. import uploads
from ..capture import fields as lead_fields
from ..consent import consent_html
from .definition import Question, QuestionSet

# What a browser needs to fill a contact property in.
AUTOCOMPLETE = {
    "name": "name",
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "company": "organization",
    "job_title": "organization-title",
    "phone": "tel",
    "country": "country",
}
TEXT_MAX = {"name": 120, "first_name": 60, "last_name": 60, "company": 120, "job_title": 120}


class QuestionFormBuilder(FormBuilder):
    """Django form fields for `Question`s: `formfields` as Wagtail's, by question name."""

    def __init__(self, questions: QuestionSet, *, consent_text: str):
        super().__init__(questions.asked)
        self.questions = questions
        self.consent_text = consent_text

    def get_field_options(self, field: Question) -> dict:
        options = {"label": field.label, "help_text": field.help_text, "required": field.required}
        if field.show_if:
            # Required only when shown: LeadForm.clean checks it once the condition is known.
            options["required"] = False
        return options

    @property
    def formfields(self) -> dict:
        built = {}
        for question in self.fields:
            create = self.get_create_field_function(question.type)
            form_field = create(question, self.get_field_options(question))
            form_field.question = question
            form_field.condition_note = self.condition_note(question)
            if question.placeholder and hasattr(form_field.widget, "attrs"):
                form_field.widget.attrs["placeholder"] = question.placeholder
            built[question.name] = form_field
        return built

    def condition_note(self, question: Question) -> str:
        """When a conditional question applies, in words: shown without JavaScript, where
        every question is on the page ("Only if “Do you use a CRM?” is Yes")."""
        if not question.show_if:
            return ""
        target_name, codes = question.show_if
        target = self.questions.by_name.get(target_name)
        if target is None:
            return ""
        answers = [target.choice_label(code) for code in codes]
        listed = " or ".join(answers)
        return f"Only if “{target.label}” is {listed}."

    def _autocomplete(self, field: Question, default: str = "on") -> str:
        return AUTOCOMPLETE.get(field.fills, default)

    def create_text_field(self, field, options):
        return lead_fields.TextInput(
            max_length=TEXT_MAX.get(field.fills, 255),
            autocomplete=self._autocomplete(field),
            **options,
        )

    def create_long_text_field(self, field, options):
        return lead_fields.MessageInput(
            max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), **options
        )

    def create_email_field(self, field, options):
        return lead_fields.EmailInput(**options)

    def create_phone_field(self, field, options):
        return lead_fields.TextInput(
            max_length=40,
            autocomplete="tel",
            validators=[lead_fields.PHONE],
            widget=forms.TextInput(attrs={"type": "tel"}),
            **options,
        )

    def create_number_field(self, field, options):
        limits = {
            key: Decimal(value)
            for key, value in (("min_value", field.min_value), ("max_value", field.max_value))
            if value
        }
        return forms.DecimalField(
            max_digits=15,
            decimal_places=4,
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            **limits,
            **options,
        )

    def create_date_field(self, field, options):
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": "Enter a date like 2027-03-31."},
            **options,
        )

    def create_country_field(self, field, options):
        return forms.ChoiceField(
            choices=[("", "Choose a country"), *countries],
            widget=forms.Select(attrs={"autocomplete": "country"}),
            **options,
        )

    def create_dropdown_field(self, field, options):
        return forms.ChoiceField(choices=[("", "Choose one"), *field.choices], **options)

    def create_radio_field(self, field, options):
        return forms.ChoiceField(choices=field.choices, widget=forms.RadioSelect, **options)

    def create_checkboxes_field(self, field, options):
        return forms.MultipleChoiceField(
            choices=field.choices, widget=forms.CheckboxSelectMultiple, **options
        )

    def create_file_field(self, field, options):
        return LeadFileField(
            extensions=field.extensions, max_bytes=field.max_size_mb * 1024 * 1024, **options
        )

    def create_consent_field(self, field, options):
        options["label"] = consent_html(field.text or self.consent_text)
        options.pop("help_text", None)
        return forms.BooleanField(
            error_messages={"required": "Tick the box to agree, so that we may reply."}, **options
        )


class LeadFileField(forms.FileField):
    """One file: an accepted ending, not empty, not larger than the question allows. Its name
    is sanitised for sales (leads/uploads.py); what is in it is never served to a browser."""

    def __init__(self, *, extensions, max_bytes, **kwargs):
        self.extensions, self.max_bytes = tuple(extensions), max_bytes
        accept = ",".join(f".{extension}" for extension in self.extensions)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": accept} if accept else {}))
        super().__init__(
            error_messages={"empty": "This file is empty. Please choose another."}, **kwargs
        )

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if self.extensions and uploads.extension_of(value.name) not in self.extensions:
            raise forms.ValidationError(
                "Choose a file of one of these types: " + ", ".join(self.extensions) + ".",
                code="type",
            )
        if value.size > self.max_bytes:
            raise forms.ValidationError(
                f"This file is larger than {self.max_bytes // (1024 * 1024)} MB. Please choose "
                "a smaller one.",
                code="size",
            )


def stored_value(value):
    """An answer as JSON keeps it: dates as 2027-03-31, numbers as text without trailing
    zeros ("12.5"), lists as lists."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if value is None or value is False:
        return ""
    if hasattr(value, "read") and hasattr(value, "name"):  # an uploaded file: its clean name
        return uploads.clean_name(value.name)
    return value
