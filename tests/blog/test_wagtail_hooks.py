"""The admin for editors (blog/wagtail_hooks.py): Pages opens at Home, the team's recent edits,
the editor guide only for people who edit pages."""

import json
import re

import pytest
from django.urls import reverse

from blog.wagtail_hooks import PAGE_HELP_ITEMS
from tests.factories import log_in, make_article

pytestmark = pytest.mark.django_db


def sidebar_props(client) -> dict:
    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        page_html,
        re.S,
    )
    return json.loads(match.group(1))


def explorer_item(props: dict) -> tuple[dict, int]:
    """The Pages item of the sidebar's main menu: (its attributes, its start page id)."""
    menu = next(m for m in props["modules"] if m["_type"] == "wagtail.sidebar.MainMenuModule")
    item = next(i for i in menu["_args"][0] if i["_type"] == "wagtail.sidebar.PageExplorerMenuItem")
    attributes, start_page_id = item["_args"]
    return attributes, start_page_id


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_pages_explorer_opens_at_home(client, home, role):
    log_in(client, role)
    attributes, start_page_id = explorer_item(sidebar_props(client))
    assert start_page_id == home.pk
    assert attributes["url"] == reverse("wagtailadmin_explore", args=[home.pk])


def test_sales_dashboard_has_no_page_search_and_no_editor_guide(client, site_tree):
    log_in(client, "sales")
    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Search all pages" not in page_html
    assert 'role="search"' not in page_html
    assert "editor-guide" not in page_html
    assert "editor guide" not in page_html.lower()
    assert "guide.wagtail.org" not in page_html


def test_editors_keep_page_search_and_the_editor_guide(client, site_tree):
    log_in(client, "editor")
    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Search all pages" in page_html
    assert "editor-guide" in page_html
    assert PAGE_HELP_ITEMS[0] == "editor-guide"


def test_editors_see_the_teams_recent_edits(client, article_index, django_user_model):
    article = make_article(article_index, "Forms that convert")
    colleague = log_in(client, "editor", "colleague")
    article.save_revision(user=colleague, log_action=True)
    log_in(client, "editor", "me")
    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Recent edits by the team" in page_html
    assert reverse("wagtailadmin_pages:edit", args=[article.pk]) in page_html
    assert "colleague" in page_html


def test_sales_see_no_recent_edits(client, article_index):
    article = make_article(article_index, "Forms that convert")
    article.save_revision(log_action=True)
    log_in(client, "sales")
    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Recent edits by the team" not in page_html
