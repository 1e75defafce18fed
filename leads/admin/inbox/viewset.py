"""The inbox's viewset: its URLs under /admin/leads/, its menu item, search and export
columns, and the fields of a submission's record."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from ...models import Submission
from .bulk import BulkActionView
from .filters import InboxFilterSet
from .views import (
    ClosedDeleteView,
    ClosedEditView,
    ClosedHistoryView,
    ClosedUsageView,
    InboxIndexView,
    InboxInspectView,
)


class InboxViewSet(ModelViewSet):
    """Submissions as sales work them. Read-only as far as Wagtail's generic views go (see
    ReadOnlyPolicy in leads/wagtail_hooks.py): reviews happen through the bulk actions and the
    contact page, both of which call leads/services/."""

    model = Submission
    name = "leads_inbox"
    url_prefix = "leads"
    icon = "mail"
    menu_label = "Inbox"
    menu_name = "leads-inbox"
    menu_hook = "register_leads_menu_item"  # the first item of the Leads menu, not the main menu
    menu_order = 100
    # Submissions are records, not content: tracking them would enqueue a reference-index task
    # with every lead (a queue outage would then cost the lead) and list each one as a "usage"
    # of its CTA and page.
    add_to_reference_index = False

    index_view_class = InboxIndexView
    inspect_view_class = InboxInspectView
    edit_view_class = ClosedEditView
    delete_view_class = ClosedDeleteView
    history_view_class = ClosedHistoryView
    usage_view_class = ClosedUsageView
    inspect_view_enabled = True

    filterset_class = InboxFilterSet
    ordering = "-received_at"
    list_per_page = 25
    search_fields = [
        "contact__name",
        "contact__email",
        "contact__company",
        "email",
        "answers__name",
        "answers__company",
        "answers__message",
    ]
    search_backend_name = None  # Django's icontains: submissions are not in the search index

    export_filename = "leads"
    list_export = [
        "received_at",
        "get_status_display",
        "person_name",
        "person_email",
        "company",
        "phone",
        "job_title",
        "get_cta_kind_display",
        "cta_title",
        "page_title",
        # Then the answers: one column per question when the CTA filter names one CTA, else
        # one "Answers" column (leads/exports/answers.py).
        "score",
        "owner",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "consent_given",
    ]
    export_headings = {
        "received_at": "Received",
        "get_status_display": "Status",
        "person_name": "Name",
        "person_email": "Email",
        "company": "Company",
        "phone": "Phone",
        "job_title": "Job title",
        "get_cta_kind_display": "CTA kind",
        "cta_title": "CTA",
        "page_title": "Article",
        "score": "Score",
        "owner": "Owner",
        "utm_source": "UTM source",
        "utm_medium": "UTM medium",
        "utm_campaign": "UTM campaign",
        "consent_given": "Consent given",
    }

    # Never offered (see ReadOnlyPolicy), but a ModelViewSet needs a form to build its URLs.
    form_fields = ["status"]
    inspect_view_fields = [
        "cta_kind",
        "cta_title",
        "page",
        "page_title",
        "status",
        "status_reason",
        "owner",
        "spam_reasons",
        "email",
        "answers",
        "consent_given",
        "consent_text",
        "consent_at",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "referrer",
        "landing_page",
        "first_touch",
        "received_at",
        "follow_up",
        "downloaded",
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("bulk/", BulkActionView.as_view(), name="bulk")]


@hooks.register("register_admin_viewset")
def register_inbox_viewset():
    return InboxViewSet()
