"""Moved to leads/admin/inbox/filters.py; this name is kept for older imports."""

from .admin.inbox.filters import (  # noqa: F401
    ALL_BUT_SPAM,
    MINE,
    OPEN,
    QUEUE_STATUSES,
    UNASSIGNED,
    IdChoiceFilter,
    InboxFilterSet,
    ScoreRangeWidget,
    StatusViewFilter,
    owner_choices,
    status_choices,
    tag_choices,
)
