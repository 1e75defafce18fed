"""Lead analytics, campaign spend and the sales panels of the Wagtail dashboard.

- views.py      /admin/leads/analytics/ (chart.py draws its leads-per-day chart)
- campaigns.py  /admin/leads/campaigns/: sales managers edit, sales read
- dashboard.py  the dashboard panels: the sales queues and newest leads, CTAs this month
"""

from .campaigns import CampaignViewSet, campaign_viewset, register_campaign_viewset
from .chart import Bar, BarChart, Tick, bar_chart, nice_step
from .dashboard import CTAsThisMonthPanel, LeadsPanel, add_ctas_panel, add_leads_panel, inbox_url
from .views import (
    AnalyticsCsvView,
    AnalyticsView,
    LeadsMenuItem,
    register_analytics_menu_item,
    register_analytics_url,
)

__all__ = [
    "AnalyticsCsvView",
    "AnalyticsView",
    "Bar",
    "BarChart",
    "CTAsThisMonthPanel",
    "CampaignViewSet",
    "LeadsMenuItem",
    "LeadsPanel",
    "Tick",
    "add_ctas_panel",
    "add_leads_panel",
    "bar_chart",
    "campaign_viewset",
    "inbox_url",
    "nice_step",
    "register_analytics_menu_item",
    "register_analytics_url",
    "register_campaign_viewset",
]
