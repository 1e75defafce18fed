from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """Lead capture, moderation, scoring and exports (built by the lead-capture issues)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "leads"
    verbose_name = "Leads"
