"""The site's production settings plus Wagtail's form builder and the reference form page.

Used only by bench/leads (DJANGO_SETTINGS_MODULE=wagtail_form.settings, with bench/ on the
Python path) to migrate and serve the reference; everything else, the database configuration
and middleware included, is the site's own.
"""

from leadsite.settings.production import *  # noqa: F403
from leadsite.settings.production import INSTALLED_APPS

INSTALLED_APPS = ["wagtail_form", "wagtail.contrib.forms", *INSTALLED_APPS]

# The page sends its notification in the request, as the bakerydemo's does. The console
# backend is the site's own when no EMAIL_HOST is set: it builds the whole MIME message, as
# SMTP would, and writes it to the server's standard output (/dev/null under bench/leads), so
# the request pays for the email but not for a mail server.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
