"""Submissions: one answer to one CTA, with its attribution, consent and review status, and
the gated downloads made through it.

Stored only by `leads.services`; immutable once stored except for the review fields.
"""

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from .contacts import Contact
from .cta import CallToAction, ConsentText, CTAKind
from .references import public_reference
from .status import OPEN_STATUSES, Status


class AnswerListHolds(models.Expression):
    """True where the answer stored under `name` is `code` or a list holding it (SQLite's
    JSON1 `json_each`), for databases without JSON containment (`contains` on a key)."""

    output_field = models.BooleanField()

    def __init__(self, name: str, code: str):
        super().__init__()
        self.source, self.name, self.code = models.F("answers"), name, code

    def get_source_expressions(self):
        return [self.source]

    def set_source_expressions(self, exprs):
        (self.source,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.source)
        path = '$."{}"'.format(self.name.replace('"', '""'))
        # The column is Django's compiled reference; the path and the code are parameters.
        sql = f"EXISTS (SELECT 1 FROM json_each({column}, %s) WHERE json_each.value = %s)"  # noqa: S608
        return sql, (*params, path, self.code)


class SubmissionQuerySet(models.QuerySet):
    def answered(self, name: str, code: str):
        """Submissions whose answer `name` is the choice `code`, or a list of choices holding it
        (checkboxes): `answers__<name>=code`, and JSON containment where the database has it
        (PostgreSQL), else `json_each` (SQLite)."""
        single = Q(**{f"answers__{name}": code})
        if connection.features.supports_json_field_contains:
            return self.filter(single | Q(**{f"answers__{name}__contains": [code]}))
        return self.filter(single | Q(AnswerListHolds(name, code)))

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
        "answers", default=dict, help_text="Every answer as submitted, by question name."
    )
    form_version = models.ForeignKey(
        "leads.FormVersion",
        to_field="version",
        db_column="form_version",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="form version",
        db_index=False,  # read through the submission, never searched by
        help_text="The questions as the reader saw them (labels, choices). Empty for leads "
        "from before forms were built by editors: those read with the fixed forms' labels.",
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
        # one on PostgreSQL) for LIKE 'prefix%', which nothing runs (docs/leads.md, "What the
        # capture path costs").
        indexes = [
            models.Index(fields=["status", "-received_at"], name="submission_status_recent"),
            models.Index(fields=["owner", "-received_at"], name="submission_owner_recent"),
            # The inbox counts its filtered rows for the paginator; every inbox query excludes
            # erased leads, so these partial indexes answer those counts from the index alone
            # (docs/performance.md, "Sales inbox").
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
            # The analytics page groups a period's leads by day, CTA, page, source and status:
            # holding them all, this index answers it without reading the rows (a third of
            # the time on SQLite, docs/performance.md, "Lead analytics").
            models.Index(
                fields=["received_at", "status", "cta", "page", "utm_source", "utm_medium"],
                name="submission_analytics",
            ),
            # Cost per lead counts each campaign's leads and qualified leads
            # (analytics.campaign_costs) from this index alone.
            models.Index(fields=["utm_campaign", "status"], name="submission_campaign_status"),
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
        """Every answer under its question, as the reader saw the form (leads/answers.py)."""
        from ..answers import as_text, submission_answers

        return as_text(submission_answers(self))

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
