"""Email engagement: what clicks on tracked links tell about a person.

Each click is worth POINTS_PER_CLICK, halving every 30 days (leads' ENGAGEMENT_HALF_LIFE): a
click today counts 10, one a month ago 5, one two months ago 2.5. The score is a function of
the Click rows alone (`engagement_from`), recomputed whenever the person clicks and stored on
the contact (`Contact.engagement`, through a leads service: leads never reads mailings'
tables). Stored scaled to a fixed date, it decays without being rewritten: the contact page
reads `contact.engagement_now()`, segments filter with `Contact.objects.engaged(points)`.

Opens are not counted: no tracking pixel is sent (docs/email.md says why).
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from leads import services
from leads.models import Contact
from leads.models.contacts import engagement_scale

from .models import Click, Send

POINTS_PER_CLICK = 10


def engagement_from(clicked_at: Iterable[datetime.datetime]) -> float:
    """The engagement the clicks at these moments add up to, scaled to ENGAGEMENT_EPOCH."""
    return sum(POINTS_PER_CLICK * engagement_scale(moment) for moment in clicked_at)


def engagement_recompute(contact: Contact) -> float:
    """Recompute a contact's engagement from all their clicks and store it."""
    clicks = Click.objects.filter(send__contact=contact).values_list("clicked_at", flat=True)
    engagement = engagement_from(clicks)
    services.contact_engagement_set(contact=contact, engagement=engagement)
    return engagement


@transaction.atomic
def click_record(*, send: Send, url: str) -> Click:
    """A click on a tracked link of this send: the click, the send's first click (once) and
    the person's engagement."""
    click = Click.objects.create(send=send, url=url[:2000])
    Send.objects.filter(pk=send.pk, first_clicked_at__isnull=True).update(
        first_clicked_at=click.clicked_at or timezone.now()
    )
    engagement_recompute(send.contact)
    return click
