"""What a set of sends achieved (a broadcast's, a sequence step's): counts only, never who.

`progress(sends)` is the live view while sending (one grouped query). `report(sends, days)`
counts, in one query: sent, delivered, bounced, complained, clicked, unsubscribed, and the
people who became a lead (any submission but spam) or a qualified lead (qualified, handed off,
won or lost: every one of those was qualified) within `days` days after the email reached them.
A lead counts for the email that came before it, in the window; one person counts once per send
however many forms they sent. `outcomes` is the same report as an object (the broadcast page).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from leads.models import Status, Submission

from .models import Send, SendStatus

# Statuses a submission reaches only through "qualified".
QUALIFIED_STATUSES = (Status.QUALIFIED, Status.HANDED_OFF, Status.WON, Status.LOST)
DEFAULT_DAYS = 30  # a sequence's report
DEFAULT_LEAD_WINDOW_DAYS = 7  # a broadcast's report
MAX_DAYS = 365

FIGURES = (
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("bounced", "Bounced"),
    ("complained", "Complaints"),
    ("clicked", "Clicked"),
    ("unsubscribed", "Unsubscribed"),
    ("leads", "Leads"),
    ("qualified", "Qualified leads"),
)


def leads_after(days: int, *, qualified: bool = False) -> Exists:
    """Whether the send's person sent a form (not spam) within `days` days after it went."""
    submissions = (
        Submission.objects.live()
        .exclude(status=Status.SPAM)
        .filter(
            contact=OuterRef("contact"),
            received_at__gte=OuterRef("sent_at"),
            received_at__lte=OuterRef("sent_at") + datetime.timedelta(days=days),
        )
    )
    if qualified:
        submissions = submissions.filter(status__in=QUALIFIED_STATUSES)
    return Exists(submissions)


def report(sends, days: int = DEFAULT_DAYS) -> dict:
    """The figures of these sends (see the module), plus "queued" (still to go), "skipped"
    (skipped, cancelled or given up) and "days"."""
    days = max(1, min(int(days), MAX_DAYS))
    sent = Q(status=SendStatus.SENT)
    figures = sends.order_by().aggregate(
        sent=Count("pk", filter=sent),
        delivered=Count("pk", filter=sent & Q(delivered_at__isnull=False)),
        bounced=Count("pk", filter=Q(bounced_at__isnull=False)),
        complained=Count("pk", filter=Q(complained_at__isnull=False)),
        clicked=Count("pk", filter=Q(first_clicked_at__isnull=False)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
        leads=Count("pk", filter=sent & Q(leads_after(days))),
        qualified=Count("pk", filter=sent & Q(leads_after(days, qualified=True))),
        queued=Count(
            "pk",
            filter=Q(status__in=[SendStatus.QUEUED, SendStatus.SENDING, SendStatus.FAILED]),
        ),
        skipped=Count(
            "pk",
            filter=Q(status__in=[SendStatus.SKIPPED, SendStatus.CANCELLED, SendStatus.GAVE_UP]),
        ),
    )
    return {**figures, "days": days}


def rate(part: int, whole: int) -> str:
    """'12.5%' of the sent, or '' with nothing sent."""
    return f"{100 * part / whole:.1f}%" if whole else ""


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
    clicked: int
    unsubscribed: int
    leads: int
    qualified_leads: int
    window_days: int


def outcomes(sends: QuerySet[Send], days: int = DEFAULT_LEAD_WINDOW_DAYS) -> Outcomes:
    """`report` as an object, for the broadcast page."""
    figures = report(sends, days)
    return Outcomes(
        sent=figures["sent"],
        delivered=figures["delivered"],
        bounced=figures["bounced"],
        complained=figures["complained"],
        clicked=figures["clicked"],
        unsubscribed=figures["unsubscribed"],
        leads=figures["leads"],
        qualified_leads=figures["qualified"],
        window_days=figures["days"],
    )
