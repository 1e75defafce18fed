"""The outbox: each email or webhook a submission causes, kept until it is done.

Rows are created in the same transaction as their submission and performed by the follow-up
tasks; docs/leads.md, "Follow-up that survives failures", explains the retries.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .submissions import Submission


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
