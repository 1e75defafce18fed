"""Lead analytics at /admin/leads/analytics/: leads per day, the funnel per article and per
CTA, top articles, UTM sources and cost per lead, for anyone who may view leads.

The numbers come from leads/analytics.py, aggregated in the database.
"""

from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ... import analytics
from ...permissions import ADD_CAMPAIGN, EDIT_CAMPAIGN, may_view_leads
from .chart import bar_chart


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
