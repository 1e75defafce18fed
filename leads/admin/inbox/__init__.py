"""The lead inbox at /admin/leads/: the review queue sales spend their day in.

- views.py    the listing (columns, queue, exports) and a submission's record
- filters.py  what the list can be narrowed to (topics.py: articles and their topics)
- bulk.py     one action on the ticked rows, through leads/services/
- viewset.py  URLs, menu item, search and export columns; registers the viewset
"""

from .bulk import BULK_ACTIONS, UNASSIGN, BulkActionForm, BulkActionView, plural, report
from .filters import QUEUE_STATUSES, InboxFilterSet
from .views import (
    CheckRightsFirstMixin,
    ClosedDeleteView,
    ClosedEditView,
    ClosedHistoryView,
    ClosedUsageView,
    InboxIndexView,
    InboxInspectView,
    SelectColumn,
    owner_cell,
    owner_label,
    row_title_id,
)
from .viewset import InboxViewSet, register_inbox_viewset

__all__ = [
    "BULK_ACTIONS",
    "QUEUE_STATUSES",
    "UNASSIGN",
    "BulkActionForm",
    "BulkActionView",
    "CheckRightsFirstMixin",
    "ClosedDeleteView",
    "ClosedEditView",
    "ClosedHistoryView",
    "ClosedUsageView",
    "InboxFilterSet",
    "InboxIndexView",
    "InboxInspectView",
    "InboxViewSet",
    "SelectColumn",
    "owner_cell",
    "owner_label",
    "plural",
    "register_inbox_viewset",
    "report",
    "row_title_id",
]
