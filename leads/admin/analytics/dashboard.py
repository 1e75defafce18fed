"""The dashboard panels of the Wagtail admin home, by role.

- Sales (anyone who may view leads): the queues with their counts (New, In review, Mine, Hot),
  the newest leads assigned to them, and links to the inbox and analytics.
- Editors (anyone who may edit CTAs): each CTA's impressions and leads this month, counts only,
  no personal data.

Superusers see both. Each panel runs a fixed number of queries, whatever the number of CTAs or
leads.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.ui.components import Component

from ... import analytics
from ...models import OPEN_STATUSES, CallToAction, Contact, ScoringSettings, Status, Submission
from ...permissions import may_view_leads
from ..inbox.filters import MINE, OPEN

NEWEST_MINE = 5
EDIT_CTAS = "leads.change_calltoaction"


def inbox_url(**params) -> str:
    """The inbox (leads/admin/inbox/) with its own filters: empty, it is the review queue."""
    url = reverse("leads_inbox:index")
    return f"{url}?{urlencode(params)}" if params else url


class LeadsPanel(Component):
    """What a salesperson starts the day with: the queues, each a link to the leads in it, and
    the newest leads assigned to them."""

    name = "leads"
    template_name = "leads/admin/analytics/dashboard_panel.html"
    order = 50  # above Wagtail's page panels: for sales this is the day's work

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        threshold = ScoringSettings.load().hot_threshold
        counts = Submission.objects.live().aggregate(
            new=Count("pk", filter=Q(status=Status.NEW)),
            in_review=Count("pk", filter=Q(status=Status.IN_REVIEW)),
            mine=Count("pk", filter=Q(status__in=OPEN_STATUSES, owner=user)),
        )
        hot = (
            Contact.objects.hot(threshold)
            .filter(Exists(Submission.objects.open().filter(contact=OuterRef("pk"))))
            .count()
        )
        newest_mine = (
            Submission.objects.open()
            .filter(owner=user)
            .select_related("contact")
            .only(
                "received_at",
                "status",
                "cta_kind",
                "cta_title",
                "contact__name",
                "contact__company",
                "contact__email",
            )
            .order_by("-received_at")[:NEWEST_MINE]
        )
        return {
            "queues": [
                {"label": "New", "count": counts["new"], "url": inbox_url(status=Status.NEW)},
                {
                    "label": "In review",
                    "count": counts["in_review"],
                    "url": inbox_url(status=Status.IN_REVIEW),
                },
                {
                    "label": "Mine",
                    "count": counts["mine"],
                    "url": inbox_url(status=OPEN, owner=MINE),
                },
                {
                    "label": "Hot",
                    "count": hot,
                    "url": inbox_url(status=OPEN, score_min=threshold),
                    "help": f"Score {threshold} or more",
                },
            ],
            "newest_mine": [
                {
                    "lead": lead,
                    "url": reverse("leads_contact:detail", args=[lead.contact_id]),
                }
                for lead in newest_mine
            ],
            "inbox_url": inbox_url(),
            "mine_url": inbox_url(status=OPEN, owner=MINE),
            "analytics_url": reverse("leads_analytics"),
        }


class CTAsThisMonthPanel(Component):
    """Each CTA's impressions and leads since the first of the month, and its conversion rate:
    counts only, for editors deciding which CTA to place where. Three queries: the CTAs, and
    the month's impressions and leads per placement (analytics.Placements)."""

    name = "ctas_this_month"
    template_name = "leads/admin/analytics/ctas_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        period = analytics.preset_period("this-month")
        outcomes, impressions = analytics.Placements.count(period).by("cta")
        rows = []
        for cta in CallToAction.objects.only("pk", "title", "kind"):
            shown, leads = impressions.get(cta.pk, 0), outcomes.get(cta.pk, (0,))[0]
            rows.append(
                {
                    "cta": cta,
                    "kind": cta.get_kind_display(),
                    "impressions": shown,
                    "leads": leads,
                    "rate": analytics.rate(leads, shown),
                    "url": reverse("wagtailsnippets_leads_calltoaction:edit", args=[cta.pk]),
                }
            )
        rows.sort(key=lambda row: (-row["leads"], -row["impressions"], row["cta"].title))
        return {"rows": rows, "since": period.first_day}


@hooks.register("construct_homepage_panels")
def add_leads_panel(request, panels):
    if may_view_leads(request.user):
        panels.append(LeadsPanel(request))


@hooks.register("construct_homepage_panels")
def add_ctas_panel(request, panels):
    if request.user.has_perm(EDIT_CTAS):
        panels.append(CTAsThisMonthPanel())
