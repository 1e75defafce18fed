"""The forms readers fill in: one per CTA kind (named by its entry in leads/kinds.py), each
asking only what its purpose needs."""

from django import forms
from django.core.validators import RegexValidator

from .. import answers, kinds
from ..cleaning import BIDI_CONTROL, CONTROL, clip_url, is_one_line
from ..consent import consent_html
from ..identity import tidy_email
from .tokens import form_token

PHONE = RegexValidator(
    r"^\+?[0-9 ()./-]{5,40}$",
    "Enter a phone number with digits, spaces and + ( ) - only, e.g. +44 20 7946 0000.",
)
BUDGETS = [("", "Choose a range"), *answers.BUDGETS]
TIMELINES = [("", "Choose a timeline"), *answers.TIMELINES]


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


class LeadForm(forms.Form):
    """Fields shared by every kind: the render token, the page, attribution and the honeypot.

    Only declared fields are read, so posted extras (status, owner, score, ids) are ignored.
    """

    # Accessible honeypot: hidden from sight and from assistive technology, out of the tab
    # order, labelled for the rare reader that reaches it anyway.
    website = forms.CharField(
        label="Leave this field empty", required=False, max_length=200, strip=False
    )
    # Which CTA, page and consent wording this render showed, and when (see tokens.py).
    token = forms.CharField(widget=forms.HiddenInput, max_length=300)
    # First touch of the visit, filled in by leads.js from sessionStorage (never a cookie).
    # No max_length: an overlong URL is clipped in clean(), not refused (sessionStorage would
    # post it again after every reload, so the reader could never send the form). The body
    # size limit (LEAD_MAX_BODY_BYTES) bounds it.
    first_landing = forms.CharField(widget=forms.HiddenInput, required=False)
    first_referrer = forms.CharField(widget=forms.HiddenInput, required=False)
    # The page the form was first sent from (an article, with its UTM parameters). Empty in the
    # rendered page; the submit view fills it in when a form comes back with an error, so that
    # the corrected resend, posted from /leads/cta/<id>/submit/, keeps the visit's attribution
    # without JavaScript (attribution.with_posted_from). Clipped like the two above.
    posted_from = forms.CharField(widget=forms.HiddenInput, required=False)

    answer_fields: tuple[str, ...] = ()
    asks_consent = False

    def __init__(self, cta, *args, page=None, **kwargs):
        self.cta = cta
        # Field ids unique per CTA, so that two CTAs on one page do not share them.
        kwargs.setdefault("auto_id", f"cta{cta.pk}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        if not self.is_bound:
            self.initial["token"] = form_token(
                cta.pk,
                page_id=page.pk if page else None,
                consent_version=cta.consent_version,
                campaign=getattr(page, "lead_campaign", ""),
            )
        if self.asks_consent:
            self.fields["consent"] = forms.BooleanField(
                label=consent_html(cta.consent),
                error_messages={"required": "Tick the box to agree, so that we may reply."},
            )

    def full_clean(self):
        super().full_clean()
        # Without JavaScript, the page comes back with the cursor in the first wrong field.
        for field in self.visible_answer_fields():
            if field.errors:
                field.field.widget.attrs["autofocus"] = True
                break

    def clean(self):
        cleaned = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist and any(len(getlist(name)) > 1 for name in self.fields):
            raise forms.ValidationError(
                "The form arrived with a field repeated. Please check it and send it again.",
                code="repeated",
            )
        cleaned["first_landing"] = clip_url(cleaned.get("first_landing", ""))
        cleaned["first_referrer"] = clip_url(cleaned.get("first_referrer", ""))
        cleaned["posted_from"] = clip_url(cleaned.get("posted_from", ""))
        return cleaned

    @property
    def answers(self) -> dict:
        """What the reader answered, as stored on the submission."""
        return {name: self.cleaned_data.get(name, "") for name in self.answer_fields}

    def visible_answer_fields(self):
        names = [*self.answer_fields, *(["consent"] if self.asks_consent else [])]
        return [self[name] for name in names]


def name_field():
    return TextInput(label="Name", max_length=120, autocomplete="name")


def company_field():
    return TextInput(label="Company", max_length=120, autocomplete="organization")


class DownloadForm(LeadForm):
    name = name_field()
    email = EmailInput(label="Work email")
    answer_fields = ("name", "email")
    asks_consent = True


class QuoteForm(LeadForm):
    name = name_field()
    email = EmailInput(label="Work email")
    company = company_field()
    phone = TextInput(
        label="Phone (optional)",
        max_length=40,
        required=False,
        autocomplete="tel",
        validators=[PHONE],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    budget = forms.ChoiceField(label="Budget", choices=BUDGETS)
    timeline = forms.ChoiceField(label="Timeline", choices=TIMELINES)
    message = MessageInput(
        label="What do you need?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few lines on your goals is plenty.",
    )
    answer_fields = ("name", "email", "company", "phone", "budget", "timeline", "message")


class NewsletterForm(LeadForm):
    email = EmailInput(label="Email")
    answer_fields = ("email",)
    asks_consent = True


class WebinarForm(LeadForm):
    name = name_field()
    email = EmailInput(label="Email")
    company = company_field()
    answer_fields = ("name", "email", "company")


def form_for(cta, *args, **kwargs) -> LeadForm:
    """The form of the CTA's kind (its entry in leads/kinds.py names it)."""
    return kinds.get(cta.kind).form_class(cta, *args, **kwargs)
