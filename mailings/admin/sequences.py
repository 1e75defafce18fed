"""See mailings/admin/__init__.py."""

VIEWSETS = ()
