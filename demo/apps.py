"""The demo app: demo content and fake data, installed by the dev and test settings only."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content and fake data; in the dev and test settings' INSTALLED_APPS only."""

    name = "demo"
    verbose_name = "Demo content and fake data"
