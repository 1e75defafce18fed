"""What the mail provider reports through its signed webhooks (django-anymail's `tracking`
signal, connected in MailingsConfig.ready): deliveries, hard bounces, spam complaints and
unsubscribes made in the provider's own interface.

A report names its send by the metadata we attach to each message (`{"send": reference}`,
mailings/sending/message.py) or, failing that, by message id. Bounces and complaints suppress
the address even when no send matches (a lead's confirmation email, an old message), since
the address is what the provider reports on. Providers retry webhooks, so each report may
come more than once: every step below changes nothing the second time.

With plain SMTP there are no webhooks: hard bounces come back as bounce messages to the
sender's address, which LeadSite does not read (docs/email.md, "Deliverability").
"""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from leads import services
from leads.models import ConsentSource, Contact, SuppressionReason

from .models import Send
from .public.services import (
    COMPLAINT_WORDING,
    PROVIDER_UNSUBSCRIBE_WORDING,
    contact_stop_all,
    send_unsubscribe,
)

logger = logging.getLogger(__name__)

# anymail's normalised event types that LeadSite acts on ("bounced" is a hard bounce; a
# soft one arrives as "deferred" and is retried by the provider).
DELIVERED, BOUNCED, COMPLAINED, UNSUBSCRIBED = "delivered", "bounced", "complained", "unsubscribed"


def send_for(event) -> Send | None:
    """The send a report is about: by our metadata, else by the provider's message id."""
    reference = (event.metadata or {}).get("send")
    if reference:
        try:
            send = Send.objects.select_related("contact").filter(
                reference=uuid.UUID(hex=str(reference))
            )
            return send.first()
        except ValueError:
            pass
    if event.message_id:
        return (
            Send.objects.select_related("contact")
            .filter(message_id=str(event.message_id)[:200])
            .first()
        )
    return None


def _mark(send: Send | None, field: str, moment) -> None:
    if send is not None:
        Send.objects.filter(pk=send.pk, **{f"{field}__isnull": True}).update(**{field: moment})


@transaction.atomic
def tracking_event_apply(*, event, provider: str) -> str:
    """Apply one provider report; returns what it did (for the log, no personal data)."""
    send = send_for(event)
    moment = event.timestamp or timezone.now()
    address = event.recipient or (send.contact.email if send else "")
    source = provider.lower()[:40]
    if event.event_type == DELIVERED:
        _mark(send, "delivered_at", moment)
        return "delivered"
    if event.event_type == BOUNCED:
        _mark(send, "bounced_at", moment)
        if address:
            services.suppression_add(email=address, reason=SuppressionReason.BOUNCE, source=source)
        return "bounce: suppressed"
    if event.event_type == COMPLAINED:
        _mark(send, "complained_at", moment)
        if address:
            services.suppression_add(
                email=address, reason=SuppressionReason.COMPLAINT, source=source
            )
        contact = send.contact if send else Contact.objects.with_email(address).first()
        if contact is not None:
            contact_stop_all(
                contact=contact, wording=COMPLAINT_WORDING, source=ConsentSource.COMPLAINT
            )
        return "complaint: suppressed, unsubscribed"
    if event.event_type == UNSUBSCRIBED:
        contact = send.contact if send else Contact.objects.with_email(address).first()
        if send is not None:
            send_unsubscribe(send=send, wording=PROVIDER_UNSUBSCRIBE_WORDING)
        elif contact is not None:
            contact_stop_all(
                contact=contact,
                wording=PROVIDER_UNSUBSCRIBE_WORDING,
                source=ConsentSource.UNSUBSCRIBE,
            )
        return "unsubscribed"
    return "ignored"


def tracking_received(sender, event, esp_name, **kwargs):
    """anymail's `tracking` signal: one report from a provider's webhook (already verified)."""
    outcome = tracking_event_apply(event=event, provider=esp_name)
    logger.info("Provider report from %s: %s (%s)", esp_name, event.event_type, outcome)
