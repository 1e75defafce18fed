"""The sender of each kind of delivery, as the outbox calls them (LeadsConfig.ready connects
them): each takes the submission and returns "" when it sent, or the reason it skipped; it
raises when the delivery failed."""

from ..models import DeliveryKind
from .emails import (
    send_assignment,
    send_confirmation,
    send_hot_lead,
    send_notification,
    send_opt_in,
)
from .webhooks import send_webhook

SENDERS = {
    DeliveryKind.NOTIFICATION: send_notification,
    DeliveryKind.CONFIRMATION: send_confirmation,
    DeliveryKind.OPT_IN: send_opt_in,
    DeliveryKind.WEBHOOK: send_webhook,
    DeliveryKind.HOT_LEAD: send_hot_lead,
    DeliveryKind.ASSIGNMENT: send_assignment,
}
