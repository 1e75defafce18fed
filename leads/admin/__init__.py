"""The sales workspace in the Wagtail admin, one module per screen.

- inbox.py      the review queue at /admin/leads/ (filters, bulk actions, exports)
- contact.py    a contact's page: details, timeline, notes, score, transitions
- analytics.py  lead analytics, campaigns and their spend, dashboard panels
- scoring.py    scoring rules and settings
- privacy.py    find, export and erase a person's data

Each module registers its own views and its own items of the "Leads" menu (see menu.py).
"""
