"""Lead analytics, campaign spend and the sales panels of the Wagtail dashboard.

- /admin/leads/analytics/  leads per day (an SVG chart drawn here, no chart library: the admin
  makes no third-party request), the funnel per article and per CTA, top articles, UTM
  sources and cost per lead. For anyone who may view submissions.
- /admin/leads/campaigns/  each campaign's spend: sales managers edit, sales read.
- The dashboard: leads awaiting review, hot leads and my open leads, for the same people.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from .. import analytics
from ..models import OPEN_STATUSES, Campaign, Contact, ScoringSettings, Submission
from ..permissions import ADD_CAMPAIGN, EDIT_CAMPAIGN, may_view_leads
from ..templatetags.lead_analytics import money
from .inbox.filters import MINE, OPEN, QUEUE_STATUSES

# The chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: datetime.date
    count: int


@dataclass(frozen=True)
class Tick:
    position: float  # x for a day label, y for a value
    text: str


@dataclass(frozen=True)
class BarChart:
    """The geometry of a bar chart, in SVG user units; the template only draws it."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    total: int
    peak: int


def nice_step(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten (at least 1) not below value: the tick
    spacings people read at a glance."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value)


def bar_chart(series: list[analytics.DayCount], *, width: int = 720, height: int = 240) -> BarChart:
    """One bar per day; about four value gridlines; a day label every week (or fortnight),
    ending on the last day so that today is always labelled."""
    left, right, top, bottom = 40, width - 24, 10, height - 28
    peak = max((point.count for point in series), default=0)
    step = nice_step(peak / 4)
    y_max = max(step * math.ceil(peak / step), step * 4) if peak else 4

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / y_max, 2)

    slot = (right - left) / max(len(series), 1)
    bar_width = round(max(slot * 0.7, 1), 2)
    bars = [
        Bar(
            x=round(left + slot * i + (slot - bar_width) / 2, 2),
            y=y_of(point.count),
            width=bar_width,
            height=round(bottom - y_of(point.count), 2),
            day=point.day,
            count=point.count,
        )
        for i, point in enumerate(series)
    ]
    every = 7 if len(series) <= 45 else 14
    x_ticks = [
        Tick(round(left + slot * (i + 0.5), 2), f"{point.day:%b} {point.day.day}")
        for i, point in enumerate(series)
        if (len(series) - 1 - i) % every == 0
    ]
    y_ticks = [Tick(y_of(value), str(value)) for value in range(0, y_max + 1, step)]
    return BarChart(
        width,
        height,
        left,
        top,
        right,
        bottom,
        bars,
        y_ticks,
        x_ticks,
        total=sum(point.count for point in series),
        peak=peak,
    )


# The analytics view -----------------------------------------------------------------------


class AnalyticsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "leads/admin/analytics/index.html"
    page_title = "Lead analytics"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not may_view_leads(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = analytics.report(analytics.period_days(self.request.GET.get("days")))
        user = self.request.user
        context.update(
            report=report,
            chart=bar_chart(report.per_day),
            periods=analytics.PERIODS,
            can_edit_campaigns=user.has_perm(EDIT_CAMPAIGN),
            can_add_campaigns=user.has_perm(ADD_CAMPAIGN),
        )
        return context


class LeadsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_leads(request.user)


@hooks.register("register_admin_urls")
def register_analytics_url():
    return [path("leads/analytics/", AnalyticsView.as_view(), name="leads_analytics")]


@hooks.register("register_leads_menu_item")
def register_analytics_menu_item():
    return LeadsMenuItem(
        "Analytics",
        reverse("leads_analytics"),
        name="leads-analytics",
        icon_name="table",
        order=600,
    )


# Campaigns --------------------------------------------------------------------------------


class CampaignViewSet(ModelViewSet):
    """Campaign spend, for cost per lead. Rights are the model's own (ModelPermissionPolicy):
    sales managers add, change and delete; sales may only view."""

    model = Campaign
    icon = "crosshairs"
    menu_label = "Campaigns"
    menu_order = 610
    menu_hook = "register_leads_menu_item"
    url_prefix = "leads/campaigns"
    name = "leads_campaigns"
    list_display = [
        "name",
        "utm_campaign",
        Column(
            "spend",
            label="Spend",
            accessor=lambda campaign: money(campaign.spend, campaign.currency),
        ),
        "started_on",
        "ended_on",
    ]
    search_fields = ["name", "utm_campaign"]
    inspect_view_enabled = True
    # Campaigns reference nothing and nothing references them.
    add_to_reference_index = False


campaign_viewset = CampaignViewSet()


@hooks.register("register_admin_viewset")
def register_campaign_viewset():
    return campaign_viewset


# Dashboard --------------------------------------------------------------------------------


def inbox_url(**params) -> str:
    """The inbox (leads/admin/inbox.py) with its own filters: empty, it is the review queue."""
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
