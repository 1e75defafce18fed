from django.apps import AppConfig


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = "Email"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from leadsite import background

        from .sending import dispatch

        # Every task worker (and `make run`'s runserver) sends what is due.
        background.register("mail-dispatch", dispatch.run_forever)
