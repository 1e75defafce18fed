"""Moved to leads/followup/webhook_target.py. This path stays because migration 0013 names
`leads.webhook_target.validate_webhook_url` (and migrations are not rewritten)."""

from .followup.webhook_target import (  # noqa: F401
    Target,
    UnsafeWebhookURL,
    validate_webhook_url,
    webhook_target,
)
