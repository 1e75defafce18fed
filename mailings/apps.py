from django.apps import AppConfig


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = "Email"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking

        from leadsite import background

        from . import tracking as provider_reports
        from .sending import dispatch

        # Deliveries, bounces and complaints from the provider's signed webhooks.
        tracking.connect(provider_reports.tracking_received, dispatch_uid="mailings.tracking")

        # Every task worker (and `make run`'s runserver) sends what is due.
        background.register("mail-dispatch", dispatch.run_forever)
