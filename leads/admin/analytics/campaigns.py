"""Campaigns at /admin/leads/campaigns/: each campaign's spend, for cost per lead."""

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from ...models import Campaign
from ...templatetags.lead_analytics import money


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
