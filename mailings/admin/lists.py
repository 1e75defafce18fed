"""Mailing lists in the admin: their settings and how many people are on each (counts only:
editors never see who)."""

from django.db.models import Count, Q
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from leads.models import MailingList, SubscriptionStatus


class MailingListIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                confirmed=Count(
                    "subscriptions", filter=Q(subscriptions__status=SubscriptionStatus.CONFIRMED)
                ),
                pending=Count(
                    "subscriptions", filter=Q(subscriptions__status=SubscriptionStatus.PENDING)
                ),
            )
        )


class MailingListViewSet(ModelViewSet):
    model = MailingList
    name = "mailings_lists"
    url_prefix = "email/lists"
    icon = "list-ul"
    menu_label = "Lists"
    menu_order = 300
    add_to_admin_menu = False
    index_view_class = MailingListIndexView
    form_fields = ["name", "slug", "description", "double_opt_in", "public"]
    search_fields = ["name", "slug"]
    list_display = [
        "name",
        "slug",
        Column("confirmed", label="Subscribed", accessor="confirmed"),
        Column("pending", label="Awaiting confirmation", accessor="pending"),
        "double_opt_in",
        "public",
    ]
