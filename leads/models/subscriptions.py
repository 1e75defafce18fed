"""Newsletter subscriptions, double opt-in."""

from django.db import models
from django.utils import timezone

from .contacts import Contact
from .cta import CallToAction
from .references import public_reference


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
