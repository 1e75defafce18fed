"""Calls to action, and the leads they capture: contacts, submissions and their follow-up.

Nothing here writes leads by itself: every write goes through `leads/services.py`.
`__str__` methods carry no personal data, because Wagtail copies them into its audit log.
"""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import PreviewableMixin
from wagtail.search import index

from . import memo
from .identity import normalise_email
from .staff import lead_worker_choices
from .validators import validate_one_line
from .webhook_target import validate_webhook_url


class CTAKind(models.TextChoices):
    DOWNLOAD = "download", "Download (gated eBook or whitepaper)"
    QUOTE = "quote", "Quote request"
    NEWSLETTER = "newsletter", "Newsletter signup"
    WEBINAR = "webinar", "Webinar registration"


DEFAULT_BUTTON_LABELS = {
    CTAKind.DOWNLOAD: "Download Now",
    CTAKind.QUOTE: "Get Your Free Quote",
    CTAKind.NEWSLETTER: "Subscribe",
    CTAKind.WEBINAR: "Reserve my seat",
}

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


class CallToAction(PreviewableMixin, index.Indexed, models.Model):
    """One offer a reader can answer: a gated download, a quote, a newsletter or a webinar."""

    kind = models.CharField(
        "kind",
        max_length=16,
        choices=CTAKind.choices,
        help_text="Decides which fields the form asks for. Downloads need a document, "
        "webinars a date and a seat limit.",
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
        help_text="Leave blank for the default: 'Download Now', 'Get Your Free Quote', "
        "'Subscribe' or 'Reserve my seat'.",
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
    confirmation_email_text = models.TextField(
        "confirmation email text",
        max_length=2000,
        blank=True,
        help_text="The body of the email the reader receives; the greeting, download or "
        "confirmation link and unsubscribe link are added around it.",
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
    seat_limit = models.PositiveIntegerField(
        "seat limit",
        null=True,
        blank=True,
        help_text="Webinars only: registrations are refused once this many are taken.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallToActionQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
        MultiFieldPanel(
            [
                FieldPanel("headline"),
                FieldPanel("text"),
                FieldPanel("button_label"),
                FieldPanel("consent_text"),
            ],
            heading="What the reader sees",
        ),
        MultiFieldPanel(
            [FieldPanel("thank_you_message"), FieldPanel("confirmation_email_text")],
            heading="After the submission",
        ),
        FieldPanel("owner"),
        FieldPanel("document", heading="Download: gated document"),
        FieldRowPanel([FieldPanel("event_starts_at"), FieldPanel("seat_limit")], heading="Webinar"),
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

    @property
    def label(self) -> str:
        return self.button_label or DEFAULT_BUTTON_LABELS[self.kind]

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

    def is_full(self) -> bool:
        return self.kind == CTAKind.WEBINAR and self.seats_taken() >= (self.seat_limit or 0)

    def get_preview_template(self, request, mode_name):
        return "leads/cta_preview.html"

    def get_preview_context(self, request, mode_name):
        return {"cta": self, "page": None}


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


def public_reference(what: str) -> models.UUIDField:
    """A random, unique reference: what the links we email name instead of the sequential id,
    so that a link tells no one how many leads came in (leads/tokens.py)."""
    return models.UUIDField(
        "public reference",
        default=uuid.uuid4,
        editable=False,
        help_text=f"Random, e.g. '5f0c9a6e-...'; named by the signed links to {what} instead of "
        "the id.",
    )


class ContactQuerySet(models.QuerySet):
    def with_email(self, email: str):
        return self.filter(email=normalise_email(email))

    def hot(self, threshold: int | None = None):
        """Contacts whose score has reached the hot-lead threshold (the scoring settings',
        unless the caller has already read it)."""
        if threshold is None:
            threshold = ScoringSettings.load().hot_threshold
        return self.filter(score__gte=threshold)


class Contact(models.Model):
    """A person who answered at least one CTA, with the details they gave last."""

    email = models.EmailField(
        "email",
        max_length=254,
        help_text="Normalised (see leads/identity.py): trimmed, lower-case, without invisible "
        "characters, the domain IDNA-encoded, e.g. 'ana@xn--bcher-kva.example'. Unique.",
    )
    reference = public_reference("unsubscribe")
    name = models.CharField("name", max_length=120, blank=True)
    company = models.CharField("company", max_length=120, blank=True)
    phone = models.CharField("phone", max_length=40, blank=True)
    job_title = models.CharField("job title", max_length=120, blank=True)
    created_at = models.DateTimeField("first seen", auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)
    unsubscribed_at = models.DateTimeField(
        "unsubscribed",
        null=True,
        blank=True,
        help_text="Set when the person follows an unsubscribe link: no more marketing email.",
    )
    score = models.IntegerField(
        "score",
        default=0,
        db_index=True,
        help_text="Lead score from the scoring rules, e.g. 55; recomputed by a task.",
    )
    score_explanation = models.JSONField(
        "score explanation",
        default=list,
        blank=True,
        help_text="Each rule that counted and its points, e.g. [['quote request', 40]].",
    )
    score_computed_at = models.DateTimeField("score computed", null=True, blank=True)
    hot_notified_at = models.DateTimeField(
        "hot-lead alert sent",
        null=True,
        blank=True,
        help_text="When the score first reached the hot threshold and the owner was alerted "
        "(once per contact).",
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "contact"
        ordering = ["-created_at"]
        constraints = [
            # A constraint, not unique=True: on PostgreSQL that would add a second index
            # (varchar_pattern_ops, for LIKE 'prefix%') that no query uses and every lead
            # writes. The contact upsert's ON CONFLICT (email) relies on this one.
            models.UniqueConstraint(fields=["email"], name="contact_email_unique"),
            models.UniqueConstraint(fields=["reference"], name="contact_reference_unique"),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower(models.functions.Trim("email"))),
                name="contact_email_normalised",
                violation_error_message="Email addresses are stored trimmed and in lower case.",
            ),
        ]

    def __str__(self):
        return f"Contact #{self.pk}"


class Status(models.TextChoices):
    NEW = "new", "New"
    IN_REVIEW = "in_review", "In review"
    QUALIFIED = "qualified", "Qualified"
    DISQUALIFIED = "disqualified", "Disqualified"
    HANDED_OFF = "handed_off", "Handed off"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    SPAM = "spam", "Spam (quarantined)"


OPEN_STATUSES = (Status.NEW, Status.IN_REVIEW, Status.QUALIFIED, Status.HANDED_OFF)


class SubmissionQuerySet(models.QuerySet):
    def live(self):
        """Submissions whose person has not been erased: everything sales may see."""
        return self.filter(erased_at__isnull=True)

    def open(self):
        """Still being worked: not won, lost, disqualified or spam."""
        return self.live().filter(status__in=OPEN_STATUSES)


class Submission(models.Model):
    """One answer to one CTA: immutable once stored, except for its review status."""

    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name="contact",
        help_text="Empty while quarantined: suspected spam never changes a contact.",
    )
    email = models.EmailField(
        "email as given",
        max_length=254,
        blank=True,
        help_text="As typed, tidied (leads/identity.py): case kept, invisible characters out, "
        "domain IDNA-encoded, e.g. 'Ana@example.com'. Empty once erased.",
    )
    reference = public_reference("the thank-you page and the download (a new one on erasure)")
    cta = models.ForeignKey(
        CallToAction,
        null=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
        verbose_name="call to action",
    )
    cta_kind = models.CharField("CTA kind", max_length=16, choices=CTAKind.choices)
    cta_title = models.CharField(
        "CTA name", max_length=120, help_text="As it was when the lead arrived."
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="page",
        help_text="The page the form was on.",
    )
    page_title = models.CharField("page title", max_length=255, blank=True)
    answers = models.JSONField(
        "answers", default=dict, help_text="Every answer as submitted, by field name."
    )
    consent_given = models.BooleanField(
        "consent given",
        default=False,
        help_text="The reader ticked the consent box (downloads, newsletter) or submitted "
        "with the consent notice shown (quotes, webinars).",
    )
    consent = models.ForeignKey(
        ConsentText,
        null=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name="consent text shown",
    )
    consent_at = models.DateTimeField("consent time", null=True, blank=True)
    # Last touch: the visit that submitted. First touch (the visit's landing page) is below.
    utm_source = models.CharField("UTM source", max_length=100, blank=True)
    utm_medium = models.CharField("UTM medium", max_length=100, blank=True)
    utm_campaign = models.CharField("UTM campaign", max_length=100, blank=True)
    utm_term = models.CharField("UTM term", max_length=100, blank=True)
    utm_content = models.CharField("UTM content", max_length=100, blank=True)
    referrer = models.URLField("referrer", max_length=500, blank=True)
    landing_page = models.URLField("landing page", max_length=500, blank=True)
    first_touch = models.JSONField(
        "first touch",
        default=dict,
        blank=True,
        help_text="UTM parameters, referrer and landing page of the first page in the visit.",
    )
    status = models.CharField("status", max_length=16, choices=Status.choices, default=Status.NEW)
    spam_reasons = models.JSONField(
        "why quarantined", default=list, blank=True, help_text="e.g. ['honeypot', 'link in name']"
    )
    idempotency_key = models.CharField(
        "idempotency key",
        max_length=64,
        editable=False,
        help_text="Same form render, same answers: the same submission (double clicks, replays).",
    )
    received_at = models.DateTimeField("received", default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField("status changed", null=True, blank=True)
    status_reason = models.CharField(
        "reason",
        max_length=500,
        blank=True,
        help_text="Why the last status change was made, e.g. 'No budget this year'. Required "
        "to disqualify.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_leads",
        verbose_name="owner",
        db_index=False,  # submission_owner_recent starts with it
        help_text="The salesperson working this lead; empty while unassigned.",
    )
    erased_at = models.DateTimeField(
        "erased",
        null=True,
        blank=True,
        help_text="Set when the person's data was erased (on request or by the retention "
        "policy): only an anonymous count remains (day, CTA, page, status, campaign).",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "submission"
        ordering = ["-received_at", "-pk"]
        permissions = [("export_submission", "Can export submissions")]
        constraints = [
            # Replays and double clicks store nothing twice (services.submission_capture).
            models.UniqueConstraint(
                fields=["idempotency_key"], name="submission_idempotency_key_unique"
            ),
            models.UniqueConstraint(fields=["reference"], name="submission_reference_unique"),
            models.CheckConstraint(
                condition=Q(status=Status.SPAM)
                | Q(contact__isnull=False)
                | Q(erased_at__isnull=False),
                name="submission_contact_unless_spam",
                violation_error_message="Only quarantined or erased submissions have no contact.",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DISQUALIFIED) | ~Q(status_reason=""),
                name="submission_disqualified_has_reason",
                violation_error_message="Give a reason to disqualify a lead.",
            ),
        ]
        # Every lead writes each of these: no single-column copy of an index's first column,
        # and no varchar_pattern_ops twins (unique=True or db_index=True on a CharField adds
        # one on PostgreSQL) for LIKE 'prefix%', which nothing runs (docs/performance.md).
        indexes = [
            models.Index(fields=["status", "-received_at"], name="submission_status_recent"),
            models.Index(fields=["owner", "-received_at"], name="submission_owner_recent"),
            # The inbox counts its filtered rows for the paginator; every inbox query excludes
            # erased leads, so these partial indexes answer those counts from the index alone
            # (bench/inbox, 300k leads on SQLite: the review queue's count from 724 to 14 ms,
            # qualified quotes' from 1,036 to 1 ms).
            models.Index(
                fields=["status", "-received_at"],
                condition=Q(erased_at__isnull=True),
                name="submission_live_status_recent",
            ),
            models.Index(
                fields=["status", "cta_kind", "-received_at"],
                condition=Q(erased_at__isnull=True),
                name="submission_live_status_kind",
            ),
            # Cost per lead counts each campaign's leads (analytics.campaign_costs).
            models.Index(fields=["utm_campaign"], name="submission_utm_campaign"),
        ]

    def __str__(self):
        return f"Submission #{self.pk}"

    @property
    def is_quarantined(self) -> bool:
        return self.status == Status.SPAM

    @property
    def name(self) -> str:
        return self.answers.get("name", "")

    # The person as the inbox and its exports show them: the contact's latest known details,
    # else this submission's answers (a quarantined submission has no contact). Lists load
    # the contact with select_related, so these cost no query per row.

    def _known(self, key: str) -> str:
        known = getattr(self.contact, key, "") if self.contact_id else ""
        return known or str(self.answers.get(key) or "")

    person_name = property(lambda self: self._known("name"))
    person_email = property(lambda self: self.contact.email if self.contact_id else self.email)
    company = property(lambda self: self._known("company"))
    phone = property(lambda self: self._known("phone"))
    job_title = property(lambda self: self._known("job_title"))
    budget = property(lambda self: str(self.answers.get("budget") or ""))
    timeline = property(lambda self: str(self.answers.get("timeline") or ""))
    message = property(lambda self: str(self.answers.get("message") or ""))
    score = property(lambda self: self.contact.score if self.contact_id else None)

    def attribution(self) -> dict:
        """Last touch (UTM, referrer, landing page) and first touch, as stored: for the JSON
        of a webhook or a data export."""
        return {
            "utm_source": self.utm_source,
            "utm_medium": self.utm_medium,
            "utm_campaign": self.utm_campaign,
            "utm_term": self.utm_term,
            "utm_content": self.utm_content,
            "referrer": self.referrer,
            "landing_page": self.landing_page,
            "first_touch": self.first_touch,
        }

    @cached_property
    def consent_text(self) -> str:
        return self.consent.text if self.consent else ""

    # Read in the admin's inspect view (`get_<field>_display`), shown escaped as plain text.

    def get_answers_display(self) -> str:
        return "; ".join(
            f"{name.replace('_', ' ')}: {value}" for name, value in self.answers.items()
        )

    def get_first_touch_display(self) -> str:
        return "; ".join(f"{key}: {value}" for key, value in self.first_touch.items() if value)

    def get_spam_reasons_display(self) -> str:
        return ", ".join(self.spam_reasons) or "-"

    def get_follow_up_display(self) -> str:
        """Each email or webhook with its status, attempts and last error."""
        lines = []
        for delivery in self.deliveries.all():
            line = f"{delivery.get_kind_display()}: {delivery.get_status_display().lower()}"
            details = [f"{delivery.attempts} attempt{'s' if delivery.attempts != 1 else ''}"]
            if delivery.last_error:
                details.append(delivery.last_error)
            lines.append(f"{line} ({', '.join(details)})")
        return "; ".join(lines) or "none (quarantined submissions send nothing)"

    follow_up = property(get_follow_up_display)

    def get_downloads_display(self) -> str:
        times = [event.downloaded_at.strftime("%Y-%m-%d %H:%M") for event in self.downloads.all()]
        return ", ".join(times) or "-"

    downloaded = property(get_downloads_display)


class DeliveryKind(models.TextChoices):
    NOTIFICATION = "notification", "Staff notification"
    CONFIRMATION = "confirmation", "Confirmation email"
    OPT_IN = "opt_in", "Newsletter opt-in email"
    WEBHOOK = "webhook", "CRM webhook"
    HOT_LEAD = "hot_lead", "Hot-lead alert"
    ASSIGNMENT = "assignment", "Assignment notice"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, will retry"
    GAVE_UP = "gave_up", "Failed, gave up"
    SKIPPED = "skipped", "Skipped"


def stuck_after() -> datetime.timedelta:
    """A delivery still "sending" this long after its attempt began was taken by a worker that
    died: take it again (LEAD_DELIVERY_STUCK_SECONDS)."""
    return datetime.timedelta(seconds=settings.LEAD_DELIVERY_STUCK_SECONDS)


def stuck_sending(now) -> Q:
    return Q(status=DeliveryStatus.SENDING, last_attempt_at__lte=now - stuck_after())


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        """Deliveries a re-drive should attempt: pending, failed and due, or stuck sending."""
        now = now or timezone.now()
        return self.filter(
            Q(status=DeliveryStatus.PENDING)
            | Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
            | stuck_sending(now)
        )

    def overdue(self, now=None):
        """Deliveries no worker has taken for LEAD_DELIVERY_STUCK_SECONDS after they were due:
        stuck sending, or pending or failed with no task left to run them (a worker killed
        mid-task takes its task row with it; django-tasks-db never runs it again)."""
        now = now or timezone.now()
        late = now - stuck_after()
        return self.filter(
            Q(status=DeliveryStatus.PENDING, created_at__lte=late)
            | Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=late)
            | stuck_sending(now)
        )


class Delivery(models.Model):
    """One side effect of a submission (an email, a webhook): the outbox that survives outages.

    Created in the same transaction as its submission; a task performs it, and a failure leaves
    it here to be retried with backoff (`redrive_deliveries`).
    """

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="submission",
        db_index=False,  # delivery_once_per_submission_and_kind starts with it
    )
    kind = models.CharField("kind", max_length=16, choices=DeliveryKind.choices)
    status = models.CharField(
        "status", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    last_error = models.CharField(
        "last error",
        max_length=300,
        blank=True,
        help_text="The kind of failure, e.g. 'ConnectionRefusedError'; never personal data.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    last_attempt_at = models.DateTimeField("last attempt", null=True, blank=True)
    next_attempt_at = models.DateTimeField("next attempt", null=True, blank=True)
    done_at = models.DateTimeField("done", null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "delivery"
        verbose_name_plural = "deliveries"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind"], name="delivery_once_per_submission_and_kind"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for submission #{self.submission_id}"


class DownloadEvent(models.Model):
    """A gated file fetched through a submission's signed link."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="downloads", verbose_name="submission"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="document",
    )
    downloaded_at = models.DateTimeField("downloaded", auto_now_add=True)

    class Meta:
        verbose_name = "download"
        ordering = ["-downloaded_at"]

    def __str__(self):
        return f"Download for submission #{self.submission_id}"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Awaiting confirmation"
    CONFIRMED = "confirmed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class Subscription(models.Model):
    """A newsletter subscription: double opt-in, active only once the emailed link is followed."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="subscriptions", verbose_name="contact"
    )
    cta = models.ForeignKey(
        CallToAction,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name="newsletter",
    )
    status = models.CharField(
        "status",
        max_length=16,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    requested_at = models.DateTimeField("requested", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmed", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("unsubscribed", null=True, blank=True)
    reference = public_reference("confirm it")

    class Meta:
        verbose_name = "newsletter subscription"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "cta"], name="subscription_once_per_list"),
            models.UniqueConstraint(fields=["reference"], name="subscription_reference_unique"),
        ]

    def __str__(self):
        return f"Subscription #{self.pk}"


class BlockedEmailDomain(models.Model):
    """Disposable or throwaway email domains: submissions from them are quarantined."""

    domain = models.CharField(
        "domain",
        max_length=253,
        unique=True,
        help_text="Lower case, without '@', e.g. 'mailinator.com'. Subdomains are covered too.",
    )
    note = models.CharField("note", max_length=200, blank=True)

    panels = [FieldPanel("domain"), FieldPanel("note")]

    class Meta:
        verbose_name = "blocked email domain"
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")),
                name="blocked_domain_lower_case",
                violation_error_message="Write the domain in lower case.",
            )
        ]

    def __str__(self):
        return self.domain


@register_setting(icon="mail")
class LeadSettings(BaseGenericSetting):
    """Where lead notifications go, and the optional CRM webhook."""

    sales_inbox = models.EmailField(
        "sales inbox",
        blank=True,
        help_text="Gets notifications for CTAs without an owner, e.g. 'sales@example.com'. "
        "Defaults to the LEADS_NOTIFY_EMAIL environment variable.",
    )
    webhook_url = models.URLField(
        "CRM webhook URL",
        blank=True,
        validators=[validate_webhook_url],
        help_text="Each accepted lead is POSTed here as JSON, e.g. "
        "'https://crm.example.com/hooks/leadsite'. https only, to a public internet address; "
        "redirects are not followed. Leave blank to send none.",
    )
    webhook_secret = models.CharField(
        "webhook secret",
        max_length=128,
        blank=True,
        help_text="Signs each webhook: header X-LeadSite-Signature is "
        "'sha256=' + HMAC-SHA256(secret, body) in hex.",
    )

    panels = [
        FieldPanel("sales_inbox"),
        MultiFieldPanel([FieldPanel("webhook_url"), FieldPanel("webhook_secret")], "CRM"),
    ]

    class Meta:
        verbose_name = "lead settings"

    def notify_address(self) -> str:
        return self.sales_inbox or settings.LEADS_NOTIFY_EMAIL

    @classmethod
    def current(cls) -> "LeadSettings":
        """The settings, read from the database at most every 30 s per process: every lead
        asks whether a webhook is set."""
        return memo.lead_settings.get("current", cls.load)


class Note(models.Model):
    """A salesperson's note on a contact: anyone with lead rights reads it, only its author
    edits it."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="notes", verbose_name="contact"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="lead_notes",
        verbose_name="author",
    )
    text = models.TextField(
        "note",
        max_length=4000,
        help_text="e.g. 'Called on Tuesday: evaluating two vendors, decision in March.'",
    )
    created_at = models.DateTimeField("written", auto_now_add=True)
    updated_at = models.DateTimeField("last edited", auto_now=True)

    class Meta:
        verbose_name = "note"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Note #{self.pk}"


class ScoringSignal(models.TextChoices):
    CTA_KIND = "cta_kind", "Answered a CTA of this kind"
    REPEAT = "repeat", "Each engagement after the first"
    EMAIL_DOMAIN = "email_domain", "Email domain is"
    ANSWER = "answer", "Gave this answer"


class ScoringRule(models.Model):
    """One line of the lead-scoring table: when a contact shows this signal, add these points.

    Engagement rules (CTA kind, repeat engagement) can decay: their points halve every
    half-life (see ScoringSettings). Scores are recomputed by a task when a rule changes.
    """

    signal = models.CharField(
        "signal",
        max_length=16,
        choices=ScoringSignal.choices,
        help_text="What the contact did or gave.",
    )
    field = models.CharField(
        "answer field",
        max_length=40,
        blank=True,
        help_text="For answers only: the form field, e.g. 'budget' or 'timeline'.",
    )
    value = models.CharField(
        "value",
        max_length=100,
        blank=True,
        help_text="The CTA kind ('quote'), the domain class ('business' or 'free'), or the "
        "answer's value ('over-50k'). Empty for repeat engagement.",
    )
    points = models.IntegerField(
        "points", help_text="Added to the score; negative to subtract, e.g. 40 or -10."
    )
    label = models.CharField(
        "label",
        max_length=80,
        help_text="How the rule reads in a score's explanation, e.g. 'quote request'.",
    )
    decays = models.BooleanField(
        "decays with time",
        default=False,
        help_text="Points fade with the age of the engagement: halved every half-life.",
    )

    panels = [
        FieldRowPanel([FieldPanel("signal"), FieldPanel("field"), FieldPanel("value")]),
        FieldRowPanel([FieldPanel("points"), FieldPanel("decays")]),
        FieldPanel("label"),
    ]

    class Meta:
        verbose_name = "scoring rule"
        ordering = ["signal", "field", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["signal", "field", "value"],
                name="scoring_rule_once_per_signal",
                violation_error_message="There is already a rule for this signal and value.",
            ),
            models.CheckConstraint(
                condition=Q(points__gte=-1000, points__lte=1000),
                name="scoring_rule_points_in_range",
                violation_error_message="Points are between -1000 and 1000.",
            ),
            models.CheckConstraint(
                condition=~Q(signal=ScoringSignal.ANSWER) | ~Q(field=""),
                name="scoring_rule_answer_has_field",
                violation_error_message="An answer rule names the form field, e.g. 'budget'.",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.points:+d})"


DEFAULT_FREE_MAIL_DOMAINS = (
    "gmail.com\nyahoo.com\nhotmail.com\noutlook.com\nlive.com\naol.com\nicloud.com\n"
    "me.com\nmail.com\ngmx.com\ngmx.de\nweb.de\nyandex.ru\nproton.me\nprotonmail.com\n"
    "zoho.com\nmail.ru\nqq.com\n163.com"
)


@register_setting(icon="order")
class ScoringSettings(BaseGenericSetting):
    """The scoring knobs that are not per rule: decay, the hot threshold, free-mail domains."""

    half_life_days = models.PositiveSmallIntegerField(
        "half-life (days)",
        default=30,
        help_text="Engagement points halve after this many days, e.g. 30.",
    )
    hot_threshold = models.PositiveSmallIntegerField(
        "hot-lead threshold",
        default=60,
        help_text="A contact whose score reaches this is hot: its owner (or the sales inbox) "
        "is alerted once.",
    )
    free_mail_domains = models.TextField(
        "free-mail domains",
        default=DEFAULT_FREE_MAIL_DOMAINS,
        blank=True,
        help_text="One per line, e.g. 'gmail.com'. Any other domain counts as a business domain.",
    )

    panels = [
        FieldRowPanel([FieldPanel("half_life_days"), FieldPanel("hot_threshold")]),
        FieldPanel("free_mail_domains"),
    ]

    class Meta:
        verbose_name = "scoring settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(half_life_days__gte=1),
                name="scoring_half_life_positive",
                violation_error_message="The half-life is at least one day.",
            )
        ]

    def is_hot(self, score: int) -> bool:
        return score >= self.hot_threshold

    def free_domains(self) -> frozenset[str]:
        return frozenset(
            line.strip().lower() for line in self.free_mail_domains.splitlines() if line.strip()
        )


class Campaign(models.Model):
    """A paid campaign and what it cost: cost per lead = spend / leads with its utm_campaign."""

    utm_campaign = models.CharField(
        "utm_campaign",
        max_length=100,
        unique=True,
        help_text="Exactly as in the campaign's links, e.g. 'spring-ebook'.",
    )
    name = models.CharField("name", max_length=120, help_text="e.g. 'Spring eBook on LinkedIn'.")
    spend = models.DecimalField(
        "spend",
        max_digits=12,
        decimal_places=2,
        help_text="Total spent on the campaign so far, e.g. 2500.00.",
    )
    currency = models.CharField(
        "currency", max_length=3, default="USD", help_text="ISO code, e.g. 'USD' or 'EUR'."
    )
    started_on = models.DateField("started", null=True, blank=True)
    ended_on = models.DateField("ended", null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("utm_campaign")]),
        FieldRowPanel([FieldPanel("spend"), FieldPanel("currency")]),
        FieldRowPanel([FieldPanel("started_on"), FieldPanel("ended_on")]),
    ]

    class Meta:
        verbose_name = "campaign"
        ordering = ["-started_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spend__gte=0),
                name="campaign_spend_not_negative",
                violation_error_message="Spend cannot be negative.",
            )
        ]

    def __str__(self):
        return self.name


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


# Staff edits apply at once in the process that saves them (and within the TTL elsewhere).
for _model, _memo in (
    (LeadSettings, memo.lead_settings),
    (BlockedEmailDomain, memo.blocked_domains),
    (CallToAction, memo.ctas),
):
    post_save.connect(_memo.clear, sender=_model, dispatch_uid=f"memo-{_model.__name__}-save")
    post_delete.connect(_memo.clear, sender=_model, dispatch_uid=f"memo-{_model.__name__}-del")
