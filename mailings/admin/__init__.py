"""The Email menu's screens, one module per concern; each lists its viewsets in VIEWSETS,
which mailings/wagtail_hooks.py puts in the menu:

- broadcasts.py     emails (editor, preview, test send), broadcasts, lists, segments, reports
- sequences.py      nurture sequences, enrolments, webinar reminders' reports
- deliverability.py suppressed addresses
"""
