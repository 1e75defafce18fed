"""The public path of a lead: the forms readers fill in, the views that take them, the spam
and cross-site defences, attribution, and the signed tokens in forms and in the links sent to
leads. What a posted form becomes is decided by the capture service
(`leads.services.lead_capture`); the views here only speak HTTP. See docs/architecture.md.
"""
