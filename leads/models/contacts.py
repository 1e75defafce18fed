"""The people who answered a CTA (contacts) and the notes sales keeps on them.

Emails are stored normalised (leads/identity.py); `__str__` carries no personal data, because
Wagtail copies it into its audit log.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import CountryField

from ..identity import normalise_email
from .references import public_reference
from .scoring import ScoringSettings

# Email engagement: points for each click on a tracked link, halving every ENGAGEMENT_HALF_LIFE
# (mailings/engagement.py gives the points). It is stored scaled to ENGAGEMENT_EPOCH, where
# decay does not depend on when it is read: today's value is the stored one divided by
# `engagement_scale(now)`, and "engagement at least X" is the plain, indexable filter
# `engagement >= X * engagement_scale(now)`. A float holds the scale until about 2110.
ENGAGEMENT_HALF_LIFE = datetime.timedelta(days=30)
ENGAGEMENT_EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def engagement_scale(moment: datetime.datetime) -> float:
    """How much a point earned at `moment` weighs against one earned at ENGAGEMENT_EPOCH."""
    return 2 ** ((moment - ENGAGEMENT_EPOCH) / ENGAGEMENT_HALF_LIFE)


class ContactQuerySet(models.QuerySet):
    def with_email(self, email: str):
        return self.filter(email=normalise_email(email))

    def hot(self, threshold: int | None = None):
        """Contacts whose score has reached the hot-lead threshold (the scoring settings',
        unless the caller has already read it)."""
        if threshold is None:
            threshold = ScoringSettings.load().hot_threshold
        return self.filter(score__gte=threshold)

    def engaged(self, at_least: float, *, now: datetime.datetime | None = None):
        """Contacts whose email engagement is at least `at_least` points today."""
        return self.filter(
            engagement__gt=0, engagement__gte=at_least * engagement_scale(now or timezone.now())
        )


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
    country = CountryField("country", blank=True, help_text="As the person chose it, e.g. 'DE'.")
    properties = models.JSONField(
        "other details",
        default=dict,
        blank=True,
        help_text="Answers to questions that fill a contact property (first and last name, "
        "company size, industry, properties sales managers add), by key, e.g. "
        "{'company_size': '11-50'}. The latest answer wins.",
    )
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
    engagement = models.FloatField(
        "email engagement (scaled)",
        default=0,
        db_index=True,
        editable=False,
        help_text="Points for clicks in our emails (10 a click, halving every 30 days), "
        "scaled to 1 January 2026 (see ENGAGEMENT_EPOCH); `engagement_now()` reads today's "
        "value, e.g. 12.5. Recomputed from the clicks on each click.",
    )
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

    def engagement_now(self, now: datetime.datetime | None = None) -> float:
        """Today's email engagement in points (each click's points halved every 30 days)."""
        return self.engagement / engagement_scale(now or timezone.now())


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
