"""Emails, and people on a mailing list as the capture path and the double opt-in leave them:
a contact, a confirmed subscription and a "yes" to marketing in the consent ledger."""

import itertools

from django.utils import timezone
from wagtail.rich_text import RichText

from leads.models import (
    ConsentPurpose,
    ConsentRecord,
    ConsentSource,
    Contact,
    MailingList,
    Subscription,
    SubscriptionStatus,
)
from leads.services.capture import consent_wording
from mailings.models import Email

_numbers = itertools.count(1)


def make_list(name="Newsletter", **fields) -> MailingList:
    slug = fields.pop("slug", f"list-{next(_numbers)}")
    return MailingList.objects.create(name=name, slug=slug, **fields)


def make_subscriber(mailing_list=None, *, email=None, consent=True, **fields) -> Contact:
    """A contact confirmed on `mailing_list` (if given) who said `consent` to marketing."""
    contact = Contact.objects.create(email=email or f"reader{next(_numbers)}@example.com", **fields)
    ConsentRecord.objects.create(
        contact=contact,
        purpose=ConsentPurpose.MARKETING,
        given=consent,
        source=ConsentSource.PREFERENCES,
        text=consent_wording("Send me the newsletter."),
        recorded_at=timezone.now(),
    )
    if mailing_list is not None:
        Subscription.objects.create(
            contact=contact,
            mailing_list=mailing_list,
            status=SubscriptionStatus.CONFIRMED,
            confirmed_at=timezone.now(),
        )
    return contact


def make_email(**fields) -> Email:
    defaults = {
        "name": "March newsletter",
        "subject": "Three forms that convert",
        "preheader": "Plus: the checklist we use",
        "body": [
            (
                "text",
                RichText(
                    '<h2>Shorter forms</h2><p>Read <a href="/posts/forms/">the post</a>.</p>'
                    "<ul><li>Ask less</li></ul>"
                ),
            ),
            ("button", {"label": "Get the checklist", "url": "https://example.com/checklist"}),
            ("footer", {"text": "You asked for our guides."}),
        ],
    }
    email = Email(**(defaults | fields))
    email.save()
    return email
