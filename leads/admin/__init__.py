"""The sales workspace in the Wagtail admin, one package or module per screen.

- inbox/       the review queue at /admin/leads/ (filters, bulk actions, exports)
- contact/     a contact's page (details, timeline, notes, score, transitions), the contacts list
- analytics/   lead analytics, campaigns and their spend, the dashboard panel
- scoring.py   scoring rules and settings
- privacy.py   find, export and erase a person's data
- properties.py  contact properties that questions fill (sales managers)
- menu.py      the "Leads" menu

Each registers its own views and its own items of the "Leads" menu; leads/wagtail_hooks.py
imports them. Who may see what is decided in leads/permissions.py.
"""
