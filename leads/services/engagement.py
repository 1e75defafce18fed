"""Email engagement on the contact: mailings computes it from the clicks in its emails and
stores it here (leads never reads mailings' tables). See ENGAGEMENT_EPOCH in
leads/models/contacts.py for how the stored value decays."""

from ..models import Contact


def contact_engagement_set(*, contact: Contact, engagement: float) -> None:
    """Store a contact's email engagement, scaled to ENGAGEMENT_EPOCH (one UPDATE, so two
    clicks at once cannot undo each other: the later recomputation counts both)."""
    Contact.objects.filter(pk=contact.pk).update(engagement=engagement)
    contact.engagement = engagement
