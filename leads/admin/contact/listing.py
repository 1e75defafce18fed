"""All contacts at /admin/leads/contacts/, searchable, each opening its contact page; with
the export right, the listed contacts as a spreadsheet."""

from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.permission_policies import ModelPermissionPolicy

from ...exports import SafeSpreadsheetExportMixin
from ...models import Contact
from ...permissions import EXPORT_LEADS


class ContactIndexView(SafeSpreadsheetExportMixin, IndexView):
    """All contacts, searchable by name, email and company; each opens its contact page.
    People with the export right download the listed contacts (`?export=csv` or `xlsx`,
    streamed and formula-safe, see leads/exports/); anyone else gets a 404."""

    model = Contact
    any_permission_required = ["view"]
    search_fields = ["name", "email", "company"]
    page_title = "Contacts"
    # The generic index, with the column widths a phone needs (see the template).
    template_name = "leads/admin/contact/index.html"
    header_icon = "user"
    default_ordering = "-updated_at"
    list_display = [
        TitleColumn(
            "name",
            label="Name",
            get_url=lambda contact: contact_url(contact),
            classname="leads-contacts__name",
        ),
        Column("email", label="Email", classname="leads-contacts__email"),
        Column("company", label="Company"),
        Column("score", label="Score", sort_key="score"),
        # The contact's own time, not Wagtail's default (its latest audit-log entry).
        DateColumn(
            "updated_at",
            label="Updated",
            sort_key="updated_at",
            classname="leads-contacts__updated",
        ),
    ]
    export_permission = EXPORT_LEADS
    export_filename = "contacts"
    export_sheet_title = "Contacts"
    export_audit_label = "Contacts export"
    list_export = [
        "name",
        "email",
        "company",
        "phone",
        "job_title",
        "score",
        "created_at",
        "updated_at",
        "unsubscribed_at",
    ]
    export_headings = {"created_at": "First seen", "updated_at": "Updated"}

    def export_refused(self):
        raise Http404

    @cached_property
    def permission_policy(self):
        return ModelPermissionPolicy(Contact)


def contact_url(contact: Contact) -> str:
    return reverse("leads_contact:detail", args=[contact.pk])
