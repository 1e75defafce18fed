"""Paid campaigns and their spend, for the analytics' cost per lead."""

from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel, FieldRowPanel


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
