"""The admin is LeadSite's (templates/wagtailadmin/): its name and mark on the sign-in page and
in the sidebar, and every tab title ending "- LeadSite"."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import log_in

pytestmark = pytest.mark.django_db


def title(page_html: str) -> str:
    return re.search(r"<title>(.*?)</title>", page_html, re.S).group(1).strip()


def test_sign_in_page_shows_leadsite_name_and_logo_not_wagtail(client):
    page_html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert f"Sign in to {settings.WAGTAIL_SITE_NAME}" in page_html
    assert "img/leadsite-mark.svg" in page_html
    assert "Sign in to Wagtail" not in page_html
    assert title(page_html) == f"Sign in - {settings.WAGTAIL_SITE_NAME}"
    assert "img/favicon.svg" in page_html


@pytest.mark.parametrize("role", ["editor", "sales", "superuser"])
def test_admin_titles_end_with_leadsite_and_the_sidebar_shows_its_mark(client, site_tree, role):
    log_in(client, role)
    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert title(page_html) == f"Dashboard - {settings.WAGTAIL_SITE_NAME}"
    assert "<h1" in page_html and settings.WAGTAIL_SITE_NAME in page_html
    sidebar_logo = re.search(
        r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", page_html, re.S
    ).group(1)
    assert "img/leadsite-mark.svg" in sidebar_logo


def test_page_editing_titles_end_with_leadsite(client, home):
    log_in(client, "editor")
    page_html = client.get(reverse("wagtailadmin_explore", args=[home.pk])).content.decode()
    assert title(page_html).endswith(f"- {settings.WAGTAIL_SITE_NAME}")
    assert "- Wagtail" not in title(page_html)
