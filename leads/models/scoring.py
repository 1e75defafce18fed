"""Lead scoring: the rules table and the settings that are not per rule (decay, hot threshold,
free-mail domains). Scores are computed from them by `leads.scoring`.
"""

from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


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
        help_text="For answers only: the form field's code, e.g. 'budget'. Chosen in the admin "
        "with the value, from the fields that offer choices.",
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
        help_text="How the rule reads in a score's breakdown, e.g. 'Quote request' or "
        "'Budget: Over $50,000'.",
    )
    decays = models.BooleanField(
        "decays with time",
        default=False,
        help_text="Points fade with the age of the engagement: halved every half-life.",
    )

    # The admin form (leads/admin/scoring.py) picks signal, field and value together from a
    # list of conditions, so its panels live there.

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
