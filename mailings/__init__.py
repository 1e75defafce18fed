"""Email to the people LeadSite captures: broadcasts to a list or a segment, nurture
sequences, webinar reminders, the preference centre and deliverability (bounces, complaints,
click tracking). docs/email.md tells the whole story.

- models/     emails (the content editors write), segments, broadcasts, sequences, sends
- audience.py who may get marketing mail, and the recipients of a list or a segment
- sending/    the dispatcher: sends materialised as rows, claimed in batches, sent once
- public/     what recipients reach without signing in: unsubscribe, preferences, clicks
- admin/      the editors' screens (Wagtail viewsets)

Depends on `leads` (contacts, lists, consent) and `blog` (article cards); neither imports it.
"""
