"""The leads app's audit-log actions: their names, and how each reads in Wagtail's history.

Services log with these names (`log(obj, STATUS_CHANGE, ...)`); the contact page's timeline
reads them back; `register_log_actions` (hooked in leads/wagtail_hooks.py) tells Wagtail how
to show them in its history and "Logs" report. Messages carry statuses, ids and counts only,
never a reason or any other free text, which may name the person.
"""

from django.utils.html import format_html
from wagtail.log_actions import LogFormatter

from .models import DeliveryKind, Status

STATUS_CHANGE = "leads.status_change"
ASSIGN = "leads.assign"
NOTE_ADD = "leads.note_add"
NOTE_EDIT = "leads.note_edit"
DELIVERY_RETRY = "leads.delivery_retry"
HOT_LEAD = "leads.hot_lead"
EXPORT = "leads.export"
ERASE = "leads.erase"


def status_label(value) -> str:
    try:
        return Status(value).label
    except ValueError:
        return str(value or "-")


class StatusChangeFormatter(LogFormatter):
    label = "Change lead status"

    def format_message(self, log_entry):
        data = log_entry.data
        return format_html(
            "Status changed from {} to {}",
            status_label(data.get("from")).lower(),
            status_label(data.get("to")).lower(),
        )


class AssignFormatter(LogFormatter):
    label = "Assign lead"

    def format_message(self, log_entry):
        to = log_entry.data.get("to")
        return f"Assigned to user #{to}" if to else "Unassigned"


class NoteAddFormatter(LogFormatter):
    label = "Add note"

    def format_message(self, log_entry):
        return f"Note #{log_entry.data.get('note', '?')} added"


class NoteEditFormatter(LogFormatter):
    label = "Edit note"

    def format_message(self, log_entry):
        return f"Note #{log_entry.data.get('note', '?')} edited"


class DeliveryRetryFormatter(LogFormatter):
    label = "Retry delivery"

    def format_message(self, log_entry):
        try:
            kind = DeliveryKind(log_entry.data.get("kind")).label
        except ValueError:
            kind = "delivery"
        return f"Retry of {kind.lower()} #{log_entry.data.get('delivery', '?')} requested"


class HotLeadFormatter(LogFormatter):
    """How the alert reads in a contact's history: the score, never lead data."""

    label = "Hot lead"

    def format_message(self, log_entry):
        return f"Score reached {log_entry.data.get('score', '?')}: hot-lead alert sent"


class ExportFormatter(LogFormatter):
    """An export of personal data (services.export_record): format, rows and filters."""

    label = "Export personal data"

    def format_message(self, log_entry):
        data = log_entry.data
        rows = data.get("rows", "?")
        message = f"{rows} row{'' if rows == 1 else 's'} exported as {data.get('format', '?')}"
        filters = data.get("filters") or {}
        if filters:
            message += " (" + ", ".join(f"{key}: {value}" for key, value in filters.items()) + ")"
        return message


class EraseFormatter(LogFormatter):
    """How an erasure reads in the history: its cause, nothing about the person."""

    label = "Erase personal data"

    def format_message(self, log_entry):
        if log_entry.data.get("cause") == "retention":
            return "Personal data erased by the retention policy"
        return "Personal data erased on request"


LOG_FORMATTERS = {
    STATUS_CHANGE: StatusChangeFormatter,
    ASSIGN: AssignFormatter,
    NOTE_ADD: NoteAddFormatter,
    NOTE_EDIT: NoteEditFormatter,
    DELIVERY_RETRY: DeliveryRetryFormatter,
    HOT_LEAD: HotLeadFormatter,
    EXPORT: ExportFormatter,
    ERASE: EraseFormatter,
}


def register_log_actions(actions) -> None:
    """The `register_log_actions` hook: every action above with its formatter.

    Formatter classes, not (label, function) pairs: Wagtail would show a plain function's
    repr instead of calling it."""
    for action, formatter in LOG_FORMATTERS.items():
        actions.register_action(action)(formatter)
