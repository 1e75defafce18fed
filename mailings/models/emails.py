"""The emails editors write, and the sender details every marketing email carries."""

import json
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import PreviewableMixin, RevisionMixin
from wagtail.search import index

from .. import previews, rendering
from ..blocks import EmailBodyBlock


class Email(PreviewableMixin, RevisionMixin, index.Indexed, models.Model):
    """One email's content: what a broadcast sends, or one step of a nurture sequence.

    Previewed beside the editor at desktop and phone width; its plain-text part is generated
    from the same blocks (mailings/rendering.py)."""

    name = models.CharField(
        "name",
        max_length=120,
        help_text="For the team only, e.g. 'March newsletter' or 'eBook nurture, step 2'.",
    )
    subject = models.CharField(
        "subject",
        max_length=150,
        help_text="What the inbox shows, e.g. '{first_name|Hi}, three forms that convert': "
        "the reader's first name, or 'Hi' where it is unknown.",
    )
    preheader = models.CharField(
        "preview text",
        max_length=150,
        blank=True,
        help_text="The line inboxes show after the subject, e.g. 'Plus: the checklist we use'.",
    )
    body = StreamField(
        EmailBodyBlock(), verbose_name="body", blank=True, help_text=rendering.MERGE_HELP
    )
    track_clicks = models.BooleanField(
        "track clicks",
        default=False,
        help_text="Links go through a signed redirect on this site, so that reports count "
        "clicks and a click raises the reader's engagement score. No open-tracking pixel.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last edited", auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("subject"), FieldPanel("preheader")], heading="What the inbox shows"
        ),
        FieldPanel("body"),
        FieldPanel("track_clicks"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("subject"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = "email"
        ordering = ["-updated_at"]

    def __str__(self):
        return self.name

    def clean(self):
        """A merge field with a name LeadSite does not know (`{firstname}`) would reach every
        reader as written: refuse it, saying which names there are."""
        super().clean()
        parts = {
            "subject": self.subject,
            "preheader": self.preheader,
            "body": json.dumps(self.body.get_prep_value(), ensure_ascii=False),
        }
        errors = {}
        for field_name, text in parts.items():
            unknown = rendering.unknown_merge_fields(text or "")
            if unknown:
                names = ", ".join(f"{{{name}}}" for name in unknown)
                known = ", ".join(f"{{{name}}}" for name in rendering.MERGE_FIELDS)
                errors[field_name] = (
                    f"{names} is no merge field. Use one of {known}, "
                    "with what to say when it is empty after a bar: {first_name|there}."
                )
        if errors:
            raise ValidationError(errors)

    preview_modes = [("", "Email"), ("text", "Plain text")]
    # A phone first (most email is read on one), then a desktop mail client's reading pane.
    preview_sizes = [
        {"name": "mobile", "icon": "mobile-alt", "device_width": 390, "label": "Phone width"},
        {"name": "desktop", "icon": "desktop", "device_width": 1024, "label": "Desktop width"},
    ]
    default_preview_size = "desktop"

    def get_preview_template(self, request, mode_name):
        return "mailings/email/preview.html"

    def serve_preview(self, request, mode_name):
        response = super().serve_preview(request, mode_name)
        # An email is styled inline (mail clients keep nothing else), so its preview allows
        # inline styles, and nothing more than the public policy otherwise
        # (leadsite/security.py; django-csp reads this attribute).
        response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response

    def get_preview_context(self, request, mode_name):
        return previews.preview_context(self, MailSettings.load(request), mode_name)


@register_setting(icon="mail")
class MailSettings(BaseGenericSetting):
    """Who marketing email comes from, and the postal address the law asks it to carry."""

    from_name = models.CharField(
        "sender name",
        max_length=80,
        default="LeadSite",
        help_text="Shown as the sender, e.g. 'Ana at LeadSite'.",
    )
    from_email = models.EmailField(
        "sender address",
        blank=True,
        help_text="E.g. 'news@example.com'; empty: the site's DEFAULT_FROM_EMAIL address.",
    )
    reply_to = models.EmailField(
        "reply-to address", blank=True, help_text="Where replies go, e.g. 'hello@example.com'."
    )
    postal_address = models.TextField(
        "postal address",
        default="LeadSite, 1 Example Street, 10115 Berlin, Germany",
        help_text="Printed in every marketing email's footer (CAN-SPAM, and good manners).",
    )

    panels = [
        FieldPanel("from_name"),
        FieldPanel("from_email"),
        FieldPanel("reply_to"),
        FieldPanel("postal_address"),
    ]

    class Meta:
        verbose_name = "email settings"

    def sender(self) -> str:
        address = self.from_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        return formataddr((self.from_name, address))
