"""What staff configure for leads site-wide: where notifications and the CRM webhook go, and
the blocked email domains. Both are read on every lead, so they are memoised (leads/memo.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .. import memo
from ..followup.webhook_target import validate_webhook_url


class BlockedEmailDomain(models.Model):
    """Disposable or throwaway email domains: submissions from them are quarantined."""

    domain = models.CharField(
        "domain",
        max_length=253,
        unique=True,
        help_text="Lower case, without '@', e.g. 'mailinator.com'. Subdomains are covered too.",
    )
    note = models.CharField("note", max_length=200, blank=True)

    panels = [FieldPanel("domain"), FieldPanel("note")]

    class Meta:
        verbose_name = "blocked email domain"
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")),
                name="blocked_domain_lower_case",
                violation_error_message="Write the domain in lower case.",
            )
        ]

    def __str__(self):
        return self.domain


@register_setting(icon="mail")
class LeadSettings(BaseGenericSetting):
    """Where lead notifications go, and the optional CRM webhook."""

    sales_inbox = models.EmailField(
        "sales inbox",
        blank=True,
        help_text="Gets notifications for CTAs without an owner, e.g. 'sales@example.com'. "
        "Defaults to the LEADS_NOTIFY_EMAIL environment variable.",
    )
    webhook_url = models.URLField(
        "CRM webhook URL",
        blank=True,
        validators=[validate_webhook_url],
        help_text="Each accepted lead is POSTed here as JSON, e.g. "
        "'https://crm.example.com/hooks/leadsite'. https only, to a public internet address; "
        "redirects are not followed. Leave blank to send none.",
    )
    webhook_secret = models.CharField(
        "webhook secret",
        max_length=128,
        blank=True,
        help_text="Signs each webhook: header X-LeadSite-Signature is "
        "'sha256=' + HMAC-SHA256(secret, body) in hex.",
    )

    panels = [
        FieldPanel("sales_inbox"),
        MultiFieldPanel([FieldPanel("webhook_url"), FieldPanel("webhook_secret")], "CRM"),
    ]

    class Meta:
        verbose_name = "lead settings"

    def notify_address(self) -> str:
        return self.sales_inbox or settings.LEADS_NOTIFY_EMAIL

    @classmethod
    def current(cls) -> "LeadSettings":
        """The settings, read from the database at most every 30 s per process: every lead
        asks whether a webhook is set."""
        return memo.lead_settings.get("current", cls.load)
