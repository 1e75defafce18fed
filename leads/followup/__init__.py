"""Follow-up: what leaves the site after a lead is stored. The emails (to staff and to the
lead), the CRM webhook and the check of where it may post, and `SENDERS`, the sender of each
kind of delivery.

The outbox (leads/services/outbox.py) decides when a delivery is attempted and records how it
ended; the tasks that run it are in leads/tasks.py. docs/leads.md ("Follow-up that survives
failures") has the whole story.
"""
