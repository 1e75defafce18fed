"""Kept only for migration 0013, which names `leads.webhook_target.validate_webhook_url`
(migrations are not rewritten). The code lives in leads/followup/webhook_target.py; import it
from there."""

from .followup.webhook_target import validate_webhook_url

__all__ = ["validate_webhook_url"]
