"""The mailings app's audit-log actions and how each reads in Wagtail's history and "Logs"
report. Messages carry statuses, times and counts only, never an address."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.log_actions import LogFormatter

SCHEDULE = "mailings.broadcast_schedule"
SEND_NOW = "mailings.broadcast_send_now"
CANCEL = "mailings.broadcast_cancel"
TEST_SEND = "mailings.email_test_send"


class ScheduleFormatter(LogFormatter):
    label = "Schedule broadcast"

    def format_message(self, log_entry):
        at = parse_datetime(log_entry.data.get("at") or "")
        if at is None:
            return "Scheduled"
        return f"Scheduled for {timezone.localtime(at):%Y-%m-%d %H:%M %Z}"


class SendNowFormatter(LogFormatter):
    label = "Send broadcast now"

    def format_message(self, log_entry):
        return "Sending started"


class CancelFormatter(LogFormatter):
    label = "Cancel broadcast"

    def format_message(self, log_entry):
        was = log_entry.data.get("was")
        return "Cancelled while sending" if was == "sending" else "Cancelled before it started"


class TestSendFormatter(LogFormatter):
    label = "Send a test"

    def format_message(self, log_entry):
        return "Test sent to the editor's own address"


LOG_FORMATTERS = {
    SCHEDULE: ScheduleFormatter,
    SEND_NOW: SendNowFormatter,
    CANCEL: CancelFormatter,
    TEST_SEND: TestSendFormatter,
}


def register_log_actions(actions) -> None:
    """The `register_log_actions` hook (registered by mailings/admin/broadcasts.py)."""
    for action, formatter in LOG_FORMATTERS.items():
        actions.register_action(action)(formatter)
