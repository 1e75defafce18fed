from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """Lead capture: calls to action, contacts, submissions, spam defence and follow-up."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "leads"
    verbose_name = "Leads"

    def ready(self):
        from django.conf import settings

        from .spam import parse_rate_limits

        # A typo in LEAD_RATE_LIMITS stops the boot instead of failing every submission.
        parse_rate_limits(settings.LEAD_RATE_LIMITS)
