"""Segments: saved filters over contacts, read by broadcasts (mailings/audience.py)."""

from django.db import models


class Segment(models.Model):
    """A saved filter over contacts: every condition must hold (mailings/segments.py lists
    the conditions). Who is in it is worked out when a broadcast is sent, never stored."""

    name = models.CharField("name", max_length=120, help_text="E.g. 'Hot SaaS leads in Germany'.")
    description = models.CharField(
        "description",
        max_length=240,
        blank=True,
        help_text="What it is for, e.g. 'Quote requests scoring 50+ this quarter'.",
    )
    conditions = models.JSONField(
        "conditions",
        default=list,
        blank=True,
        help_text="Each condition as {'field': ..., 'value': ...}, all of which must hold, e.g. "
        "[{'field': 'score_at_least', 'value': 50}]; edited in the admin.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last edited", auto_now=True)

    class Meta:
        verbose_name = "segment"
        ordering = ["name"]

    def __str__(self):
        return self.name
