"""Lead analytics at /admin/leads/analytics/: leads per day, the funnel per article and per
CTA, top articles, UTM sources and cost per lead over any range of days, compared with the
period before, for anyone who may view leads; each table downloads as CSV.

The numbers come from leads/analytics.py, aggregated in the database; the tables are described
once in tables.py, for the page and its CSV alike.
"""

import csv

from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ... import analytics, services
from ...exports.cells import clean_for_spreadsheet, neutralise
from ...exports.csv_writer import CSV_CONTENT_TYPE, UTF8_BOM
from ...models import Submission
from ...permissions import ADD_CAMPAIGN, EDIT_CAMPAIGN, may_view_leads
from .chart import bar_chart
from .tables import csv_value, tables


class MayViewLeadsMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_view_leads(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


def range_query(choice: analytics.Choice) -> str:
    """The query string that shows the same period again (for the CSV links)."""
    if choice.preset:
        return f"range={choice.preset}"
    return f"from={choice.period.first_day:%Y-%m-%d}&to={choice.period.last_day:%Y-%m-%d}"


class AnalyticsView(MayViewLeadsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "leads/admin/analytics/index.html"
    page_title = "Lead analytics"
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choice = analytics.choose_period(self.request.GET)
        report = analytics.report(choice.period)
        user = self.request.user
        context.update(
            choice=choice,
            report=report,
            tables=tables(report),
            query=range_query(choice),
            chart=bar_chart(report.per_day),
            presets=analytics.PRESETS.items(),
            max_day=timezone.localdate(),
            can_edit_campaigns=user.has_perm(EDIT_CAMPAIGN),
            can_add_campaigns=user.has_perm(ADD_CAMPAIGN),
        )
        return context


class AnalyticsCsvView(MayViewLeadsMixin, View):
    """One table of the analytics page as CSV, for the same period: formula-safe cells (the
    exports' sanitiser: page titles and UTM values come from outside), audit-logged like every
    other export."""

    def get(self, request, slug):
        choice = analytics.choose_period(request.GET)
        found = tables(analytics.report(choice.period)).get(slug)
        if found is None:
            raise Http404("No such table")
        period = choice.period
        filename = (
            f"lead-analytics-{slug}-{period.first_day:%Y-%m-%d}-to-{period.last_day:%Y-%m-%d}.csv"
        )
        services.export_record(
            model=Submission,
            label=f"Lead analytics export: {found.heading}",
            by=request.user,
            export_format="csv",
            rows=len(found.rows),
            filters={"from": period.first_day.isoformat(), "to": period.last_day.isoformat()},
        )
        response = HttpResponse(content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response.write(UTF8_BOM)
        writer = csv.writer(response)
        writer.writerow(found.headings)
        for row in found.rows:
            writer.writerow(
                [neutralise(clean_for_spreadsheet(csv_value(cell.raw))) for cell in row]
            )
        return response


class LeadsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_leads(request.user)


@hooks.register("register_admin_urls")
def register_analytics_url():
    return [
        path("leads/analytics/", AnalyticsView.as_view(), name="leads_analytics"),
        path(
            "leads/analytics/<slug:slug>.csv",
            AnalyticsCsvView.as_view(),
            name="leads_analytics_csv",
        ),
    ]


@hooks.register("register_leads_menu_item")
def register_analytics_menu_item():
    return LeadsMenuItem(
        "Analytics",
        reverse("leads_analytics"),
        name="leads-analytics",
        icon_name="table",
        order=600,
    )
