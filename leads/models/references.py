"""The random public references that emailed links name instead of sequential ids."""

import uuid

from django.db import models


def public_reference(what: str) -> models.UUIDField:
    """A random, unique reference: what the links we email name instead of the sequential id,
    so that a link tells no one how many leads came in (leads/capture/tokens.py)."""
    return models.UUIDField(
        "public reference",
        default=uuid.uuid4,
        editable=False,
        help_text=f"Random, e.g. '5f0c9a6e-...'; named by the signed links to {what} instead of "
        "the id.",
    )
