"""The dashboard panels by role (leads/admin/analytics/dashboard.py): CTAs this month for
editors, counts only; the queues and newest leads for sales; both for superusers."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads.models import CTAImpression, Status
from tests.factories import log_in, make_cta, make_lead

pytestmark = pytest.mark.django_db


def dashboard(client) -> str:
    return client.get(reverse("wagtailadmin_home")).content.decode()


def cta_row(page_html: str, title: str) -> str:
    match = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{title}</a>.*?</tr>", page_html, re.S)
    assert match, f"no row for {title}"
    return match.group(0)


def test_editor_dashboard_shows_each_ctas_impressions_and_leads_this_month_with_separators(
    client, home, article_index
):
    quote = make_cta("quote", title="Free quote")
    make_cta("newsletter", title="Weekly notes")
    today = timezone.localdate()
    CTAImpression.objects.create(day=today, cta=quote, page=home, count=12000)
    CTAImpression.objects.create(day=today.replace(day=1), cta=quote, page=article_index, count=345)
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    CTAImpression.objects.create(day=last_month, cta=quote, page=home, count=999)
    for _ in range(3):
        make_lead(quote)
    make_lead(quote, received_at=timezone.now() - datetime.timedelta(days=40))
    log_in(client, "editor")

    page_html = dashboard(client)
    assert "CTAs this month" in page_html
    row = cta_row(page_html, "Free quote")
    assert "Quote request" in row
    assert "data-impressions>12,345<" in row
    assert "data-leads>3<" in row
    assert "0.0 %" in row  # 3 / 12,345
    assert "data-impressions>0<" in cta_row(page_html, "Weekly notes")


def test_editor_dashboard_shows_no_personal_data(client):
    lead = make_lead(make_cta("quote"), email="ana.lima@acme.example", name="Ana Lima")
    log_in(client, "editor")
    page_html = dashboard(client)
    assert "CTAs this month" in page_html
    assert lead.email not in page_html
    assert "Ana Lima" not in page_html
    assert "@acme.example" not in page_html


def test_ctas_panel_queries_do_not_grow_with_the_ctas(client):
    log_in(client, "editor")
    make_cta("quote")
    dashboard(client)  # the first request fills per-user caches (rights, settings)
    with CaptureQueriesContext(connection) as few:
        dashboard(client)
    for n in range(6):
        make_lead(make_cta("download", title=f"Guide {n}"))
    with CaptureQueriesContext(connection) as many:
        dashboard(client)
    assert len(many) == len(few)


def test_sales_dashboard_lists_the_newest_leads_assigned_to_them(client, django_user_model):
    me = log_in(client, "sales")
    other = log_in(client, "manager")
    client.force_login(me)
    cta = make_cta("quote", title="Quote for Acme")
    mine = make_lead(cta, name="Ana Lima", company="Acme", owner=me, status=Status.IN_REVIEW)
    make_lead(cta, name="Bruno Costa", owner=other)
    make_lead(cta, name="Carla Dias", owner=me, status=Status.WON)  # closed

    page_html = dashboard(client)
    assert "Newest leads assigned to you" in page_html
    assert "Ana Lima" in page_html and "Acme" in page_html
    assert reverse("leads_contact:detail", args=[mine.contact_id]) in page_html
    assert "Bruno Costa" not in page_html
    assert "Carla Dias" not in page_html
    assert reverse("leads_inbox:index") in page_html
    assert reverse("leads_analytics") in page_html


def test_sales_dashboard_has_no_ctas_panel(client):
    make_cta("quote", title="Free quote")
    log_in(client, "sales")
    assert "CTAs this month" not in dashboard(client)


def test_superusers_see_both_dashboards(client):
    make_cta("quote", title="Free quote")
    log_in(client, "superuser")
    page_html = dashboard(client)
    assert "CTAs this month" in page_html
    assert "data-lead-count" in page_html
