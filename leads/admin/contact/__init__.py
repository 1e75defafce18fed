"""A contact's page in the sales workspace, at /admin/leads/contacts/<pk>/, and the contacts
list.

- record.py   everything the page shows, read in a fixed number of queries (the timeline)
- forms.py    status, assignment and note forms
- views.py    the page and its writes (Post/Redirect/Get, through leads/services/)
- listing.py  all contacts, searchable and exportable
- viewset.py  URLs and the "Contacts" menu item; registers the viewset

How the actions shown here read in Wagtail's history is in leads/audit.py.
"""

from ...audit import (
    LOG_FORMATTERS,
    AssignFormatter,
    DeliveryRetryFormatter,
    ExportFormatter,
    NoteAddFormatter,
    NoteEditFormatter,
    StatusChangeFormatter,
    status_label,
)
from .forms import AssignForm, NoteForm, StatusForm, SubmissionCard
from .listing import ContactIndexView, contact_url
from .record import (
    TOUCH_LABELS,
    UTM_LABELS,
    ContactRecord,
    TimelineItem,
    assignable_users,
    explanation_rows,
    touch_rows,
)
from .views import (
    NOTES_ANCHOR,
    ActionView,
    ContactMixin,
    ContactView,
    DeliveryRetryView,
    NoteAddView,
    NoteEditView,
    SubmissionAssignView,
    SubmissionStatusView,
)
from .viewset import (
    ContactsMenuItem,
    ContactViewSet,
    register_contact_viewset,
    register_contacts_menu_item,
)

__all__ = [
    "LOG_FORMATTERS",
    "NOTES_ANCHOR",
    "TOUCH_LABELS",
    "UTM_LABELS",
    "ActionView",
    "AssignForm",
    "AssignFormatter",
    "ContactIndexView",
    "ContactMixin",
    "ContactRecord",
    "ContactView",
    "ContactViewSet",
    "ContactsMenuItem",
    "DeliveryRetryFormatter",
    "DeliveryRetryView",
    "ExportFormatter",
    "NoteAddFormatter",
    "NoteAddView",
    "NoteEditFormatter",
    "NoteEditView",
    "NoteForm",
    "StatusChangeFormatter",
    "StatusForm",
    "SubmissionAssignView",
    "SubmissionCard",
    "SubmissionStatusView",
    "TimelineItem",
    "assignable_users",
    "contact_url",
    "explanation_rows",
    "register_contact_viewset",
    "register_contacts_menu_item",
    "status_label",
    "touch_rows",
]
