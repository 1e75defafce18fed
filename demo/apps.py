from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content and fake data; in the dev and test settings' INSTALLED_APPS only."""

    name = "demo"
    verbose_name = "Demo content and fake data"
