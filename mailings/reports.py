"""What became of a set of sends (a broadcast's, a sequence step's): counts only, never who.

`progress` is the live view while sending (one grouped query); `outcomes` is the report once
done: delivery, engagement, and the leads that followed within a window.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from leads.models import Status, Submission

from .models import Send, SendStatus

QUALIFIED_STATUSES = (Status.QUALIFIED, Status.HANDED_OFF, Status.WON)
DEFAULT_LEAD_WINDOW_DAYS = 7

# The progress view's five counts, from the send statuses each covers.
PROGRESS = {
    "queued": (SendStatus.QUEUED, SendStatus.SENDING),
    "sent": (SendStatus.SENT,),
    "failed": (SendStatus.FAILED, SendStatus.GAVE_UP),
    "skipped": (SendStatus.SKIPPED,),
    "cancelled": (SendStatus.CANCELLED,),
}


def progress(sends: QuerySet[Send]) -> dict[str, int]:
    """{"queued", "sent", "failed", "skipped", "cancelled", "total"}: one grouped query."""
    by_status = dict(
        sends.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    counts = {
        name: sum(by_status.get(status, 0) for status in statuses)
        for name, statuses in PROGRESS.items()
    }
    counts["total"] = sum(by_status.values())
    return counts


@dataclass(frozen=True)
class Outcomes:
    sent: int
    delivered: int
    bounced: int
    complained: int
    clicked: int  # distinct people
    unsubscribed: int
    leads: int
    qualified_leads: int
    window_days: int


def leads_after(sends: QuerySet[Send], days: int) -> QuerySet[Submission]:
    """Submissions (spam aside) by people these sends reached, received after their send went
    out and within `days` of it."""
    window = datetime.timedelta(days=days)
    reached = sends.filter(
        status=SendStatus.SENT,
        contact_id=OuterRef("contact_id"),
        sent_at__lt=OuterRef("received_at"),
        sent_at__gte=OuterRef("received_at") - window,
    )
    return Submission.objects.exclude(status=Status.SPAM).filter(
        Exists(reached), contact__isnull=False
    )


def outcomes(sends: QuerySet[Send], days: int = DEFAULT_LEAD_WINDOW_DAYS) -> Outcomes:
    """The report: two queries for the sends, one for the leads."""
    counts = sends.order_by().aggregate(
        sent=Count("pk", filter=Q(status=SendStatus.SENT)),
        delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
        bounced=Count("pk", filter=Q(bounced_at__isnull=False)),
        complained=Count("pk", filter=Q(complained_at__isnull=False)),
        clicked=Count("contact", filter=Q(first_clicked_at__isnull=False), distinct=True),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    )
    leads = leads_after(sends, days).aggregate(
        leads=Count("pk"), qualified=Count("pk", filter=Q(status__in=QUALIFIED_STATUSES))
    )
    return Outcomes(
        **counts, leads=leads["leads"], qualified_leads=leads["qualified"], window_days=days
    )
