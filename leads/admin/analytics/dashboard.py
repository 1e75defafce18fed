"""The sales panel of the Wagtail dashboard: leads awaiting review, hot leads and my open
leads, each a link to the inbox filtered to them, for anyone who may view leads."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.ui.components import Component

from ...models import OPEN_STATUSES, Contact, ScoringSettings, Submission
from ...permissions import may_view_leads
from ..inbox.filters import MINE, OPEN, QUEUE_STATUSES


def inbox_url(**params) -> str:
    """The inbox (leads/admin/inbox/) with its own filters: empty, it is the review queue."""
    url = reverse("leads_inbox:index")
    return f"{url}?{urlencode(params)}" if params else url


class LeadsPanel(Component):
    """Three numbers a salesperson starts the day with, each a link to the leads behind it."""

    name = "leads"
    template_name = "leads/admin/analytics/dashboard_panel.html"
    order = 50  # above Wagtail's page panels: for sales this is the day's work

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        threshold = ScoringSettings.load().hot_threshold
        counts = Submission.objects.live().aggregate(
            awaiting=Count("pk", filter=Q(status__in=QUEUE_STATUSES)),
            mine=Count("pk", filter=Q(status__in=OPEN_STATUSES, owner=user)),
        )
        hot = (
            Contact.objects.hot(threshold)
            .filter(Exists(Submission.objects.open().filter(contact=OuterRef("pk"))))
            .count()
        )
        return {
            "items": [
                {
                    "label": "Leads awaiting review",
                    "count": counts["awaiting"],
                    "url": inbox_url(),
                    "help": "New or in review",
                },
                {
                    "label": "Hot leads",
                    "count": hot,
                    "url": inbox_url(status=OPEN, score_min=threshold),
                    "help": f"Contacts with a score of {threshold} or more and an open lead",
                },
                {
                    "label": "My open leads",
                    "count": counts["mine"],
                    "url": inbox_url(status=OPEN, owner=MINE),
                    "help": "Assigned to you and not yet won, lost or disqualified",
                },
            ],
            "analytics_url": reverse("leads_analytics"),
        }


@hooks.register("construct_homepage_panels")
def add_leads_panel(request, panels):
    if may_view_leads(request.user):
        panels.append(LeadsPanel(request))
