"""The demo app is for development and tests only, and its bulk lead generator is one command."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from leads.models import Contact, Submission


def installed_apps(settings_module):
    """INSTALLED_APPS of `settings_module`, loaded in a fresh interpreter as a server would."""
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.INSTALLED_APPS)"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "example.com",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_settings_do_not_install_the_demo_app():
    assert "'demo'" not in installed_apps("leadsite.settings.production")


@pytest.mark.parametrize("settings_module", ["leadsite.settings.dev", "leadsite.settings.test"])
def test_dev_and_test_settings_install_the_demo_app(settings_module):
    assert "'demo'" in installed_apps(settings_module)


@pytest.mark.django_db
def test_generate_leads_needs_the_demo_ctas_on_live_pages(site_tree):
    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_leads", contacts=5, submissions=10, stdout=io.StringIO())


def test_generate_leads_writes_contacts_and_submissions_owned_by_sales(demo_site):
    sales = Group.objects.get(name="Sales").user_set.get()
    out = io.StringIO()
    call_command("generate_leads", contacts=30, submissions=90, stdout=out)
    assert "30 contacts, 90 submissions" in out.getvalue()
    assert Contact.objects.count() == 30
    assert Submission.objects.count() == 90
    owners = set(Submission.objects.exclude(owner=None).values_list("owner", flat=True))
    assert owners == {sales.pk}
