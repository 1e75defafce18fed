"""The email tables, one module per concern, re-exported here.

- emails: the content editors write (subject, preheader, StreamField body)
- segments: saved filters over contacts
- broadcasts: an email sent once to a list or a segment
- sequences: nurture sequences, their steps and who is enrolled
- sends: one row per email to one person (the outbox that makes sending exactly-once), and
  the clicks on its links
"""

from .broadcasts import Broadcast, BroadcastStatus
from .emails import Email, MailSettings
from .segments import Segment
from .sends import Click, ReminderOffset, Send, SendKind, SendStatus
from .sequences import (
    DelayUnit,
    Enrolment,
    EnrolmentStatus,
    Sequence,
    SequenceStep,
    SequenceTrigger,
)

__all__ = [
    "Broadcast",
    "BroadcastStatus",
    "Click",
    "DelayUnit",
    "Email",
    "Enrolment",
    "EnrolmentStatus",
    "MailSettings",
    "ReminderOffset",
    "Segment",
    "Send",
    "SendKind",
    "SendStatus",
    "Sequence",
    "SequenceStep",
    "SequenceTrigger",
]
