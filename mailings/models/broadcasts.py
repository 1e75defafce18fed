"""Broadcasts: one email sent once to everyone eligible on a list or in a segment."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from leads.models import MailingList

from .emails import Email
from .segments import Segment


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"


class Broadcast(models.Model):
    """An email to a list or a segment, sent now or at a set time, by the task workers.

    When it starts, its recipients are written as `Send` rows in one statement; from then on
    the rows are the truth (mailings/sending/dispatch.py)."""

    name = models.CharField(
        "name", max_length=120, help_text="For the team, e.g. 'Newsletter, March 2027'."
    )
    email = models.ForeignKey(
        Email,
        on_delete=models.PROTECT,
        related_name="broadcasts",
        verbose_name="email",
        help_text="What is sent: an email written under Email > Emails.",
    )
    mailing_list = models.ForeignKey(
        MailingList,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="broadcasts",
        verbose_name="mailing list",
        help_text="Everyone confirmed on this list who may get marketing email.",
    )
    segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="broadcasts",
        verbose_name="segment",
        help_text="Or: everyone in this segment who may get marketing email.",
    )
    status = models.CharField(
        "status", max_length=16, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT
    )
    scheduled_for = models.DateTimeField(
        "send at",
        null=True,
        blank=True,
        help_text="When sending starts, in the site's time zone; set by 'Send now' or 'Schedule'.",
    )
    started_at = models.DateTimeField("started", null=True, blank=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)
    cancelled_at = models.DateTimeField("cancelled", null=True, blank=True)
    audience_size = models.PositiveIntegerField(
        "recipients",
        null=True,
        blank=True,
        help_text="How many eligible people it went to, counted when it started.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="created by",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "broadcast"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mailing_list__isnull=True) | Q(segment__isnull=True),
                name="broadcast_one_audience",
                violation_error_message="Send to a list or to a segment, not both.",
            ),
            models.CheckConstraint(
                condition=Q(status=BroadcastStatus.DRAFT)
                | Q(status=BroadcastStatus.CANCELLED)
                | (
                    Q(scheduled_for__isnull=False)
                    & (Q(mailing_list__isnull=False) | Q(segment__isnull=False))
                ),
                name="broadcast_scheduled_has_time_and_audience",
                violation_error_message="A broadcast needs an audience and a time to be sent.",
            ),
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self):
        return self.name

    @property
    def editable(self) -> bool:
        return self.status in {BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED}
