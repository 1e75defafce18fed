"""CTA impressions and lead analytics in Chromium: a CTA scrolled into view is counted once
per page view; the analytics page, the campaigns and the dashboard panel are accessible and
load nothing from another site."""

import csv
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leads.models import Campaign, CTAImpression, Status
from tests.factories import make_article, make_cta, make_lead

from .conftest import assert_axe_clean, log_in_as

pytestmark = pytest.mark.e2e

LONG_BODY = [
    ("section", f"<h2>Part {n}</h2>" + "<p>Words to scroll past.</p>" * 12) for n in range(8)
]


def impressions(cta) -> int:
    return sum(CTAImpression.objects.filter(cta=cta).values_list("count", flat=True))


def wait_for_impressions(tab, cta, expected: int):
    """Poll the database until the beacon has been counted (Playwright's own wait)."""
    for _ in range(100):
        if impressions(cta) >= expected:
            break
        tab.page.wait_for_timeout(100)
    assert impressions(cta) == expected


@pytest.fixture
def two_ctas_below_the_fold(site):
    first, second = make_cta("quote", headline="Ask for a quote"), make_cta("newsletter")
    body = [*LONG_BODY[:4], ("cta", first), *LONG_BODY[4:]]
    article = make_article(site["index"], "A long read", body=body, cta=second)
    return article, first, second


def test_cta_scrolled_into_view_counts_one_impression_per_page_view(tab, two_ctas_below_the_fold):
    article, first, second = two_ctas_below_the_fold
    tab.goto(article.url)
    first_box = tab.page.locator(f'[aria-labelledby="cta{first.pk}-title"]')
    second_box = tab.page.locator(f'[aria-labelledby="cta{second.pk}-title"]')
    expect(first_box).not_to_be_in_viewport()
    assert impressions(first) == 0

    first_box.scroll_into_view_if_needed()
    wait_for_impressions(tab, first, 1)
    # Away and back again, then on to the second CTA: the first is not counted twice.
    tab.page.evaluate("window.scrollTo(0, 0)")
    first_box.scroll_into_view_if_needed()
    second_box.scroll_into_view_if_needed()
    wait_for_impressions(tab, second, 1)
    assert impressions(first) == 1

    tab.page.reload()  # a new page view counts again
    tab.page.locator(f'[aria-labelledby="cta{first.pk}-title"]').scroll_into_view_if_needed()
    wait_for_impressions(tab, first, 2)
    row = CTAImpression.objects.get(cta=first)
    assert (row.page_id, row.day) == (article.pk, timezone.localdate())
    assert tab.page.context.cookies() == []
    assert tab.console_errors == []


@pytest.fixture
def analytics_data(site):
    cta = make_cta("quote", title="Quote")
    article = make_article(site["index"], "Gated content that converts", cta=cta)
    CTAImpression.objects.create(day=timezone.localdate(), cta=cta, page=article, count=120)
    for n, status in enumerate([Status.NEW, Status.QUALIFIED, Status.WON, Status.NEW]):
        make_lead(
            cta,
            email=f"p{n}@firm{n}.example",
            page=article,
            status=status,
            received_at=timezone.now() - datetime.timedelta(days=n * 3),
            utm_source="linkedin",
            utm_medium="paid",
            utm_campaign="spring",
        )
    Campaign.objects.create(utm_campaign="spring", name="Spring eBook", spend=400)


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/leads/analytics/", "/admin/leads/analytics/?days=90"]
)
def test_sales_pages_are_axe_clean_and_load_nothing_from_elsewhere(tab, analytics_data, path):
    log_in_as(tab, "Sales", "sally")
    tab.goto(path)
    if path == "/admin/":
        expect(tab.page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()
    if "analytics" in path:
        expect(tab.page.get_by_role("img", name="Leads per day")).to_be_visible()
        tab.page.get_by_text("Leads per day as a table").click()
        expect(tab.page.get_by_role("table", name="Leads per day")).to_be_visible()
    assert_axe_clean(tab)
    assert tab.foreign_requests() == []  # no Gravatar either: settings switch it off


def test_sales_see_campaign_spend_and_cost_per_lead(tab, analytics_data):
    log_in_as(tab, "Sales", "sally")
    tab.goto("/admin/leads/campaigns/")
    expect(tab.page.get_by_text("Spring eBook")).to_be_visible()
    assert_axe_clean(tab)
    tab.goto("/admin/leads/analytics/")
    campaigns = tab.page.locator("#campaigns-section")
    expect(campaigns.get_by_role("row", name="Spring eBook")).to_contain_text("USD 100.00")


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_sales_choose_a_range_and_download_a_table_as_csv(tab, analytics_data, width, height):
    tab.page.set_viewport_size({"width": width, "height": height})
    log_in_as(tab, "Sales", "sally")
    tab.goto("/admin/leads/analytics/")
    today = timezone.localdate()
    first = today - datetime.timedelta(days=4)
    tab.page.get_by_label("From", exact=True).fill(first.isoformat())
    tab.page.get_by_label("To", exact=True).fill(today.isoformat())
    tab.page.get_by_role("button", name="Show this range").click()
    expect(tab.page.get_by_text(f"({5} days), compared with the 5 days before")).to_be_visible()
    # Leads received today and three days ago are in; six and nine days ago are not.
    leads_figure = tab.page.locator(".lead-analytics__figures > div", has_text="Leads").first
    expect(leads_figure.locator("dd").first).to_have_text("2")
    assert_axe_clean(tab, f"custom range at {width}")

    with tab.page.expect_download() as download_info:
        tab.page.get_by_role("link", name="Download “Funnel per article” as CSV").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"lead-analytics-articles-{first.isoformat()}-to-{today.isoformat()}.csv"
    )
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert rows[0][:3] == ["Article", "Impressions", "Leads"]
    assert rows[1][:3] == ["Gated content that converts", "120", "2"]


def test_a_range_backwards_shows_a_message_and_stays_axe_clean(tab, analytics_data):
    log_in_as(tab, "Sales", "sally")
    tab.goto("/admin/leads/analytics/?from=2026-03-10&to=2026-03-01")
    expect(tab.page.get_by_role("alert")).to_contain_text("The first day comes after the last day")
    assert_axe_clean(tab)
