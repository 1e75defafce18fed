"""Sends: one row per email to one person, written before anything is sent. Unique keys make
a send exist once; its status makes it go out once (mailings/sending/dispatch.py)."""

import uuid

from django.db import models
from django.db.models import Q

from leads.models import CallToAction, Contact

from .broadcasts import Broadcast
from .sequences import Enrolment, SequenceStep


class SendKind(models.TextChoices):
    BROADCAST = "broadcast", "Broadcast"
    SEQUENCE = "sequence", "Sequence step"
    REMINDER = "reminder", "Webinar reminder"


class SendStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, will retry"
    GAVE_UP = "gave_up", "Failed, gave up"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


class ReminderOffset(models.TextChoices):
    DAY = "day", "A day before"
    HOUR = "hour", "An hour before"


class Send(models.Model):
    """One email to one person: a broadcast's, a sequence step's or a webinar reminder's."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="sends", verbose_name="contact"
    )
    kind = models.CharField("kind", max_length=16, choices=SendKind.choices)
    reference = models.UUIDField(
        "public reference",
        default=uuid.uuid4,
        null=True,
        editable=False,
        help_text="Named by this email's signed links (unsubscribe, clicks) and its "
        "Message-ID, never the id. A broadcast's sends get theirs when a worker claims them.",
    )
    broadcast = models.ForeignKey(
        Broadcast,
        null=True,
        blank=True,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        related_name="sends",
        verbose_name="broadcast",
    )
    enrolment = models.ForeignKey(
        Enrolment,
        null=True,
        blank=True,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        related_name="sends",
        verbose_name="enrolment",
    )
    step = models.ForeignKey(
        SequenceStep,
        null=True,
        blank=True,
        db_index=False,  # see Meta.indexes
        on_delete=models.SET_NULL,
        related_name="sends",
        verbose_name="sequence step",
    )
    webinar = models.ForeignKey(
        CallToAction,
        null=True,
        blank=True,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        related_name="reminder_sends",
        verbose_name="webinar",
    )
    reminder = models.CharField(
        "reminder", max_length=8, blank=True, choices=ReminderOffset.choices
    )
    event_starts_at = models.DateTimeField(
        "for the start time",
        null=True,
        blank=True,
        help_text="Reminders: the start time they were due for; a new time means new reminders.",
    )
    status = models.CharField(
        "status", max_length=16, choices=SendStatus.choices, default=SendStatus.QUEUED
    )
    skip_reason = models.CharField(
        "why skipped",
        max_length=80,
        blank=True,
        help_text="E.g. 'unsubscribed', 'suppressed: bounce'; never personal data.",
    )
    due_at = models.DateTimeField("due")
    claimed_at = models.DateTimeField("taken by a worker", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    last_error = models.CharField("last error", max_length=200, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    message_id = models.CharField(
        "message id",
        max_length=200,
        blank=True,
        help_text="The provider's id for it, which its webhooks name (or our Message-ID).",
    )
    delivered_at = models.DateTimeField("delivered", null=True, blank=True)
    bounced_at = models.DateTimeField("bounced", null=True, blank=True)
    complained_at = models.DateTimeField("complaint", null=True, blank=True)
    first_clicked_at = models.DateTimeField("first click", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("unsubscribed from it", null=True, blank=True)

    class Meta:
        verbose_name = "send"
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="send_reference_unique"),
            models.UniqueConstraint(
                fields=["broadcast", "contact"],
                condition=Q(broadcast__isnull=False),
                name="send_once_per_broadcast",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "step"],
                condition=Q(enrolment__isnull=False, step__isnull=False),
                name="send_once_per_step",
            ),
            models.UniqueConstraint(
                fields=["webinar", "contact", "reminder", "event_starts_at"],
                condition=Q(webinar__isnull=False),
                name="send_once_per_reminder",
            ),
            models.CheckConstraint(
                condition=Q(kind=SendKind.BROADCAST, broadcast__isnull=False)
                | Q(kind=SendKind.SEQUENCE, enrolment__isnull=False)
                | Q(kind=SendKind.REMINDER, webinar__isnull=False, event_starts_at__isnull=False),
                name="send_kind_has_its_source",
            ),
        ]
        # A broadcast writes one row per recipient (100,000 in one statement): each index is
        # paid for on every row, so the sources a row does not have are left out (partial
        # indexes); a broadcast's sends are found by send_once_per_broadcast, a webinar's by
        # send_once_per_reminder.
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(
                fields=["message_id"], name="send_message_id", condition=~Q(message_id="")
            ),
            models.Index(
                fields=["enrolment"], name="send_enrolment", condition=Q(enrolment__isnull=False)
            ),
            models.Index(fields=["step"], name="send_step", condition=Q(step__isnull=False)),
        ]

    def __str__(self):
        return f"Send #{self.pk}"


class Click(models.Model):
    """A click on a tracked link of one send (through the signed redirect)."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="clicks")
    url = models.URLField("link", max_length=2000)
    clicked_at = models.DateTimeField("clicked", auto_now_add=True)

    class Meta:
        verbose_name = "click"
        ordering = ["-clicked_at"]

    def __str__(self):
        return f"Click #{self.pk}"
