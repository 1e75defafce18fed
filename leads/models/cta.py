"""Calls to action: the offers readers answer, the consent wordings shown with them, the CTA
shown by topic, and how often each CTA was seen.

Nothing here writes leads: every write goes through `leads.services`.
"""

import hashlib

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import PreviewableMixin
from wagtail.search import index

from .. import kinds, memo
from ..kinds import CTAKind
from ..permissions import lead_worker_choices
from ..questions import presets
from ..questions.blocks import QuestionsBlock
from ..questions.definition import QuestionSet, questions_from_raw
from ..validators import validate_one_line
from .contacts import Contact
from .status import Status

DEFAULT_CONSENT_TEXT = (
    "I agree that {site} may store my details to answer this request and email me about it. "
    "I can unsubscribe at any time."
)


class CallToActionQuerySet(models.QuerySet):
    def with_document(self):
        return self.select_related("document")

    def for_submission(self, pk):
        """The CTA a form posts to, or None. Read from the database at most every 30 s per
        process: every lead needs it, and an edit applies at once in the saving process."""
        return memo.ctas.get(pk, lambda: self.with_document().filter(pk=pk).first())


class CallToActionForm(WagtailAdminModelForm):
    """The CTA form of the admin: the kind is a radio button per kind (see `panels`), without
    Django's blank "---------" one, which would be no kind at all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CTAKind.choices


class CallToAction(PreviewableMixin, index.Indexed, models.Model):
    """One offer a reader can answer: a gated download, a quote, a newsletter or a webinar."""

    kind = models.CharField(
        "kind",
        max_length=16,
        choices=CTAKind.choices,
        help_text="Decides what follows a submission (a gated document, a double opt-in, a "
        "seat) and the questions a new CTA starts with. Downloads need a document, webinars a "
        "date and a seat limit.",
    )
    title = models.CharField(
        "internal name",
        max_length=120,
        validators=[validate_one_line],
        help_text="How editors and sales find this CTA, e.g. 'Lead scoring playbook (eBook)'.",
    )
    headline = models.CharField(
        "headline",
        max_length=120,
        validators=[validate_one_line],
        help_text="The offer in one line, e.g. 'Get the 30-page lead scoring playbook'.",
    )
    text = models.TextField(
        "supporting text",
        max_length=400,
        blank=True,
        help_text="One or two sentences on what the reader gets.",
    )
    button_label = models.CharField(
        "button label",
        max_length=40,
        blank=True,
        validators=[validate_one_line],
        help_text=kinds.button_label_help(),
    )
    consent_text = models.TextField(
        "consent text",
        max_length=600,
        blank=True,
        help_text="Shown next to the form and stored with every submission. Leave blank for "
        "the site's default wording.",
    )
    thank_you_message = models.TextField(
        "thank-you message",
        max_length=600,
        default="Thank you! We have received your request.",
        help_text="Shown after a successful submission.",
    )
    questions = StreamField(
        QuestionsBlock(),
        blank=True,
        verbose_name="questions",
        help_text="What the form asks, in order. Leave empty for the kind's standard "
        "questions: they are filled in when you save, and you can change them.",
    )
    queued_limit = models.PositiveSmallIntegerField(
        "questions for returning people",
        default=2,
        help_text="Progressive profiling: at most this many 'ask returning people only' "
        "questions take the place of questions a recognised person has already answered.",
    )
    confirmation_email_text = models.TextField(
        "confirmation email text",
        max_length=2000,
        blank=True,
        help_text="The body of the email the reader receives; the greeting, download or "
        "confirmation link and unsubscribe link are added around it.",
    )
    email_subject = models.CharField(
        "email subject",
        max_length=150,
        blank=True,
        validators=[validate_one_line],
        help_text=kinds.email_subject_help(),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_ctas",
        verbose_name="owner",
        limit_choices_to=lead_worker_choices,
        error_messages={"invalid": "Only people who may work leads (Sales) can own a CTA."},
        help_text="Gets the notification of each lead; only people who may work leads (Sales, "
        "Sales managers) can be chosen. Leave blank for the sales inbox.",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="gated document",
        help_text="Downloads only: the eBook or whitepaper. It is no longer reachable by its "
        "public document URL, only through signed links.",
    )
    event_starts_at = models.DateTimeField(
        "event starts at",
        null=True,
        blank=True,
        help_text="Webinars only: date and time of the event.",
    )
    joining_url = models.URLField(
        "joining link",
        blank=True,
        help_text="Webinars only: where registrants join, e.g. 'https://meet.example/abc'. "
        "Sent in the reminders a day and an hour before the start; reminders wait for it.",
    )
    mailing_list = models.ForeignKey(
        "leads.MailingList",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ctas",
        verbose_name="mailing list",
        help_text="Newsletters only: the list this CTA subscribes people to.",
    )
    seat_limit = models.PositiveIntegerField(
        "seat limit",
        null=True,
        blank=True,
        help_text="Webinars only: registrations are refused once this many are taken.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallToActionQuerySet.as_manager()

    base_form_class = CallToActionForm

    panels = [
        # One per line: side by side, the long kind labels squash the name when the preview
        # panel is open.
        FieldPanel("title"),
        # Radio buttons: the four kinds read at once, where a select cut the longest label
        # short on a phone ("Download (gated eBook or wh").
        FieldPanel("kind", widget=forms.RadioSelect),
        MultiFieldPanel(
            [
                FieldPanel("headline"),
                FieldPanel("text"),
                FieldPanel("button_label"),
                FieldPanel("consent_text"),
            ],
            heading="What the reader sees",
        ),
        FieldPanel("questions", heading="Form questions"),
        FieldPanel("queued_limit"),
        MultiFieldPanel(
            [
                FieldPanel("thank_you_message"),
                FieldPanel("email_subject"),
                FieldPanel("confirmation_email_text"),
            ],
            heading="After the submission",
        ),
        FieldPanel("owner"),
        FieldPanel("document", heading="Download: gated document"),
        FieldPanel("mailing_list", heading="Newsletter: mailing list"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("event_starts_at"), FieldPanel("seat_limit")]),
                FieldPanel("joining_url"),
            ],
            heading="Webinar",
        ),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("headline"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = "call to action"
        verbose_name_plural = "calls to action"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=CTAKind.DOWNLOAD) | Q(document__isnull=False),
                name="cta_download_has_document",
                violation_error_message="A download needs a gated document.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CTAKind.WEBINAR)
                | Q(event_starts_at__isnull=False, seat_limit__isnull=False),
                name="cta_webinar_has_date_and_seats",
                violation_error_message="A webinar needs a start time and a seat limit.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not self.questions and self.kind:
            self.questions = presets.preset(self.kind)

    @cached_property
    def question_set(self) -> QuestionSet:
        """The form's questions, read once per instance (the capture memoises CTAs)."""
        from ..questions.properties import property_choices

        raw = list(self.questions.raw_data) if self.questions else presets.preset(self.kind)
        return questions_from_raw(raw, property_choices())

    @property
    def label(self) -> str:
        return self.button_label or self.kind_entry.button_label

    @property
    def person_email_subject(self) -> str:
        """The subject of the email to the person: the CTA's own, or its kind's default."""
        return self.email_subject or self.kind_entry.confirmation_subject.format(self.title)

    @property
    def consent(self) -> str:
        return self.consent_text or DEFAULT_CONSENT_TEXT.format(site=settings.WAGTAIL_SITE_NAME)

    @property
    def consent_version(self) -> str:
        return consent_version(self.consent)

    @property
    def is_past(self) -> bool:
        return bool(self.event_starts_at and self.event_starts_at <= timezone.now())

    def seat_holders(self):
        """The people registered for this webinar: one seat each, however often they sent
        the form. Quarantined registrations hold none, nor do erased people's."""
        return Contact.objects.filter(
            pk__in=self.submissions.live().exclude(status=Status.SPAM).values("contact")
        )

    def seats_taken(self) -> int:
        return self.seat_holders().count()

    @property
    def kind_entry(self) -> kinds.Kind:
        """What this CTA's kind does differently: see leads/kinds.py."""
        return kinds.get(self.kind)

    def is_full(self) -> bool:
        return self.kind_entry.holds_seats and self.seats_taken() >= (self.seat_limit or 0)

    def get_preview_template(self, request, mode_name):
        return "leads/cta_preview.html"

    def get_preview_context(self, request, mode_name):
        return {"cta": self, "page": None}


def kind_only_fields() -> dict[str, list[str]]:
    """The CTA fields that only some kinds use, with those kinds' values: the edit form shows
    such a field only for them (static/leads/admin/cta_kind.js); the constraints above still
    require them."""
    return {
        "document": [kind.value for kind in kinds.KINDS if kind.gated_document],
        "event_starts_at": [kind.value for kind in kinds.KINDS if kind.holds_seats],
        "seat_limit": [kind.value for kind in kinds.KINDS if kind.holds_seats],
        "joining_url": [kind.value for kind in kinds.KINDS if kind.holds_seats],
        "mailing_list": [kind.value for kind in kinds.KINDS if kind.subscribes],
    }


def consent_version(text: str) -> str:
    """A short fingerprint of a consent wording: a stored submission points at its exact text."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ConsentText(models.Model):
    """Every consent wording ever shown, by version, so a submission keeps the exact words."""

    version = models.CharField("version", max_length=16, unique=True, editable=False)
    text = models.TextField("text", editable=False)
    first_shown_at = models.DateTimeField("first shown", auto_now_add=True)

    class Meta:
        verbose_name = "consent text"
        ordering = ["-first_shown_at"]

    def __str__(self):
        return f"Consent text {self.version}"


class TopicCTA(models.Model):
    """The CTA shown after articles on a topic that have no CTA of their own."""

    tag = models.OneToOneField(
        "taggit.Tag",
        on_delete=models.CASCADE,
        related_name="fallback_cta",
        verbose_name="topic",
        help_text="Articles with this topic and no CTA of their own show the CTA below.",
    )
    cta = models.ForeignKey(
        CallToAction,
        on_delete=models.CASCADE,
        related_name="topics",
        verbose_name="call to action",
    )

    panels = [FieldPanel("tag"), FieldPanel("cta")]

    class Meta:
        verbose_name = "topic CTA"
        verbose_name_plural = "topic CTAs"
        ordering = ["tag__name"]

    def __str__(self):
        return f"CTA for topic {self.tag}"


class CTAImpression(models.Model):
    """How often a CTA was seen on a page on a day: a count, nothing about the visitor."""

    day = models.DateField("day")
    cta = models.ForeignKey(
        CallToAction,
        on_delete=models.CASCADE,
        related_name="impressions",
        verbose_name="call to action",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="page",
    )
    count = models.PositiveIntegerField("impressions", default=0)

    class Meta:
        verbose_name = "CTA impression count"
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "cta", "page"], name="impression_once_per_day_cta_page"
            )
        ]

    def __str__(self):
        return f"Impressions of CTA #{self.cta_id} on page #{self.page_id} on {self.day}"
