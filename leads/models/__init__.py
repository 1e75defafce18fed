"""The lead tables, one module per concern; every public name is re-exported here, so
`from leads.models import Submission` works wherever a model lives.

- cta: calls to action, consent wordings, topic CTAs, impression counts (their kinds:
  leads/kinds.py)
- contacts: people and sales notes; submissions: answers to CTAs and downloads
- status: a lead's review status; deliveries: the follow-up outbox
- subscriptions, scoring, campaigns, settings (lead settings, blocked domains)
- questions: contact properties, form versions, the consent ledger by purpose

Nothing here writes leads by itself: every write goes through `leads.services`.
See docs/leads.md for how the pieces fit.
"""

from ..identity import normalise_email

# Registration order: lead settings stay above scoring settings in the admin's Settings menu.
from .settings import BlockedEmailDomain, LeadSettings

# isort: split
from ..kinds import DEFAULT_BUTTON_LABELS, CTAKind
from .campaigns import Campaign
from .contacts import Contact, ContactQuerySet, Note
from .cta import (
    DEFAULT_CONSENT_TEXT,
    CallToAction,
    CallToActionQuerySet,
    ConsentText,
    CTAImpression,
    TopicCTA,
    consent_version,
)
from .deliveries import (
    Delivery,
    DeliveryKind,
    DeliveryQuerySet,
    DeliveryStatus,
    stuck_after,
    stuck_sending,
)
from .questions import (
    Attachment,
    ConsentPurpose,
    ConsentRecord,
    ConsentSource,
    ContactProperty,
    FormVersion,
    PropertyType,
)
from .references import public_reference
from .scoring import DEFAULT_FREE_MAIL_DOMAINS, ScoringRule, ScoringSettings, ScoringSignal
from .status import OPEN_STATUSES, Status
from .submissions import DownloadEvent, Submission, SubmissionQuerySet
from .subscriptions import (
    MailingList,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    email_digest,
)

__all__ = [
    "DEFAULT_BUTTON_LABELS",
    "DEFAULT_CONSENT_TEXT",
    "DEFAULT_FREE_MAIL_DOMAINS",
    "OPEN_STATUSES",
    "Attachment",
    "BlockedEmailDomain",
    "CTAImpression",
    "CTAKind",
    "CallToAction",
    "CallToActionQuerySet",
    "Campaign",
    "ConsentPurpose",
    "ConsentRecord",
    "ConsentSource",
    "ConsentText",
    "Contact",
    "ContactProperty",
    "ContactQuerySet",
    "Delivery",
    "DeliveryKind",
    "DeliveryQuerySet",
    "DeliveryStatus",
    "DownloadEvent",
    "FormVersion",
    "LeadSettings",
    "MailingList",
    "Note",
    "PropertyType",
    "ScoringRule",
    "ScoringSettings",
    "ScoringSignal",
    "Status",
    "Submission",
    "SubmissionQuerySet",
    "Subscription",
    "SubscriptionStatus",
    "Suppression",
    "SuppressionReason",
    "TopicCTA",
    "consent_version",
    "email_digest",
    "normalise_email",
    "public_reference",
    "stuck_after",
    "stuck_sending",
]
