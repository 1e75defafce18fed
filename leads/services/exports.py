"""Audit records of exports: every export of personal data (an admin list export, a person's
privacy export) leaves an entry in Wagtail's audit log saying who exported what, never whom.

See docs/leads.md ("Privacy").
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from .. import audit, privacy
from ..models import Contact


def export_record(
    *, model, label: str, by, export_format: str, rows: int, filters: dict | None = None
) -> None:
    """Write an export of personal data to Wagtail's audit log: who, when (the entry's own),
    what (`label`, e.g. "Lead inbox export"), the format, how many rows and which filters.

    No personal data: `filters` holds filter names and values the caller chose to keep (never
    a search term). The entry is on the exported model with object id 0, as it is about no
    one record, so erasing a person never removes the trace of an export."""
    ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id="0",
        label=label,
        action=audit.EXPORT,
        user=by if by is not None and by.is_authenticated else None,
        data={"format": export_format, "rows": rows, "filters": filters or {}},
        timestamp=timezone.now(),
    )


def person_export(*, email: str, by=None, label: str = "Privacy export") -> dict:
    """Everything held about this email address (`privacy.export`), the export written to
    the audit log: how many submissions it holds, never the address."""
    data = privacy.export(email)
    export_record(
        model=Contact,
        label=label,
        by=by,
        export_format="json",
        rows=len(data["submissions"]),
        filters={"person": "one email address (not recorded)"},
    )
    return data
