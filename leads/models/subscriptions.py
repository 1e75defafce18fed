"""Mailing lists and their subscriptions (double opt-in where the list asks for it), and the
suppression list that every email respects."""

import hashlib

from django.db import models
from django.utils import timezone

from ..identity import normalise_email
from .contacts import Contact
from .cta import CallToAction
from .references import public_reference


class MailingList(models.Model):
    """A list people join through a newsletter CTA or the preference centre (the newsletter,
    product news, event invitations). Broadcasts go to a list or to a segment."""

    name = models.CharField(
        "name", max_length=80, help_text="As subscribers see it, e.g. 'The LeadSite newsletter'."
    )
    slug = models.SlugField(
        "short name",
        max_length=80,
        help_text="Stable identifier in exports and the demo, e.g. 'newsletter'.",
    )
    description = models.CharField(
        "description",
        max_length=240,
        blank=True,
        help_text="One line in the preference centre, e.g. 'One email a month with our best "
        "articles.'",
    )
    double_opt_in = models.BooleanField(
        "double opt-in",
        default=True,
        help_text="Subscribers confirm through an emailed link before they get anything. "
        "Leave on: it is what keeps the list clean and provable.",
    )
    public = models.BooleanField(
        "in the preference centre",
        default=True,
        help_text="People may join and leave it from the preference centre of any email.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "mailing list"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="mailing_list_slug_unique"),
        ]

    def __str__(self):
        return self.name


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Awaiting confirmation"
    CONFIRMED = "confirmed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class Subscription(models.Model):
    """A person on a mailing list: active once confirmed (through the emailed link where the
    list asks for double opt-in)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="subscriptions", verbose_name="contact"
    )
    mailing_list = models.ForeignKey(
        MailingList,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name="mailing list",
    )
    cta = models.ForeignKey(
        CallToAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name="joined through",
        help_text="The newsletter CTA the person signed up with; empty when they joined from "
        "the preference centre.",
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
        verbose_name = "subscription"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing_list", "contact"], name="subscription_once_per_list"
            ),
            models.UniqueConstraint(fields=["reference"], name="subscription_reference_unique"),
        ]

    def __str__(self):
        return f"Subscription #{self.pk}"


class SuppressionReason(models.TextChoices):
    BOUNCE = "bounce", "Hard bounce"
    COMPLAINT = "complaint", "Spam complaint"
    MANUAL = "manual", "Added by staff"


def email_digest(email: str) -> str:
    """The suppression list's key: SHA-256 of the normalised address, so that an erased
    person stays suppressed without the list keeping their address."""
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


class Suppression(models.Model):
    """An address no email goes to any more (marketing or follow-up): it bounced for good, its
    owner reported our mail as spam, or staff added it. Matched by digest, which outlives an
    erasure of the person's data; the address itself lets audiences leave it out in SQL."""

    email = models.EmailField(
        "email",
        max_length=254,
        blank=True,
        help_text="Normalised, e.g. 'ana@example.com'; emptied when the person's data is "
        "erased (the digest keeps them suppressed).",
    )
    digest = models.CharField(
        "address digest",
        max_length=64,
        help_text="SHA-256 of the normalised address (leads/identity.py), e.g. '9f86d0…'.",
    )
    reason = models.CharField("reason", max_length=16, choices=SuppressionReason.choices)
    source = models.CharField(
        "reported by",
        max_length=40,
        blank=True,
        help_text="The provider or person that reported it, e.g. 'mailgun' or 'staff'.",
    )
    created_at = models.DateTimeField("suppressed", default=timezone.now)

    class Meta:
        verbose_name = "suppressed address"
        verbose_name_plural = "suppressed addresses"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["digest"], name="suppression_digest_unique"),
        ]

    def __str__(self):
        return f"Suppressed address #{self.pk}"
