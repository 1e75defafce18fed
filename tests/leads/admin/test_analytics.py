"""Lead analytics: the numbers on known data, the chart, campaigns, the dashboard panel and
who may see any of it."""

import csv
import datetime
import html
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from leads import analytics, services
from leads.models import Campaign, CTAImpression, ScoringSettings, Status, Submission
from tests.factories import log_in, make_article, make_cta, make_lead

pytestmark = pytest.mark.django_db


def lead(cta, *, days_ago=0, erased=False, **fields):
    """A lead in the state a test needs (see make_lead), received `days_ago` days back at noon
    (so time zones never move it to another day)."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    received = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    erased_at = timezone.now() if erased else None
    return make_lead(cta, received_at=received, erased_at=erased_at, **fields)


def impressions(cta, page, count, *, days_ago=0):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    CTAImpression.objects.create(day=day, cta=cta, page=page, count=count)


@pytest.fixture
def data(article_index):
    """Article A with a quote CTA: 100 impressions today (and 40 older ones), six leads in
    every state, an erased won lead (counted) and spam (not counted); article B with a
    newsletter CTA."""
    quote, newsletter = make_cta("quote", title="Quote"), make_cta("newsletter", title="News")
    a = make_article(article_index, "Article A")
    b = make_article(article_index, "Article B")
    impressions(quote, a, 100)
    impressions(quote, a, 40, days_ago=45)
    impressions(newsletter, b, 50, days_ago=3)
    for status, days_ago, utm in [
        (Status.NEW, 0, {"utm_source": "linkedin", "utm_medium": "paid"}),
        (Status.QUALIFIED, 1, {"utm_source": "linkedin", "utm_medium": "paid"}),
        (Status.HANDED_OFF, 2, {"utm_source": "linkedin", "utm_medium": "paid"}),
        (Status.WON, 3, {"utm_source": "google", "utm_medium": "cpc"}),
        (Status.LOST, 3, {}),
        (Status.DISQUALIFIED, 5, {}),
    ]:
        lead(quote, page=a, status=status, days_ago=days_ago, **utm)
    lead(quote, page=a, status=Status.SPAM, utm_source="linkedin", utm_medium="paid")
    lead(quote, page=a, status=Status.WON, erased=True, utm_source="google", utm_medium="cpc")
    lead(newsletter, page=b, days_ago=3)
    lead(newsletter, page=b, days_ago=3)
    lead(newsletter, page=b, status=Status.QUALIFIED, days_ago=40)
    return {"quote": quote, "newsletter": newsletter, "a": a, "b": b}


def row_for(rows, key):
    return next(row for row in rows if row.key == key)


# The numbers ------------------------------------------------------------------------------


def test_funnel_per_article_counts_impressions_leads_qualified_and_won(data):
    rows = analytics.report(30).by_article
    a = row_for(rows, data["a"].pk)
    assert (a.label, a.impressions, a.submissions) == ("Article A", 100, 7)
    # Qualified, handed off, won, lost and the erased won lead; the two won ones.
    assert (a.qualified, a.won) == (5, 2)
    assert (a.submission_rate, a.qualified_rate, a.won_rate) == (0.07, 5 / 7, 0.4)
    b = row_for(rows, data["b"].pk)
    assert (b.impressions, b.submissions, b.qualified, b.won) == (50, 2, 0, 0)
    assert b.won_rate is None  # nothing qualified: no rate, not 0 %


def test_funnel_per_cta_counts_the_same_way(data):
    rows = analytics.report(30).by_cta
    quote = row_for(rows, data["quote"].pk)
    assert (quote.label, quote.impressions, quote.submissions, quote.qualified, quote.won) == (
        "Quote",
        100,
        7,
        5,
        2,
    )
    assert [row.label for row in rows] == ["Quote", "News"]  # busiest first


def test_ninety_days_include_older_impressions_and_leads(data):
    report = analytics.report(90)
    a = row_for(report.by_article, data["a"].pk)
    b = row_for(report.by_article, data["b"].pk)
    assert (a.impressions, b.submissions, b.qualified) == (140, 3, 1)
    assert report.total.submissions == 10


def test_spam_is_not_counted_but_an_erased_lead_is_anonymously(data):
    total = analytics.report(30).total
    # Article A's six leads and its erased won lead, article B's two newsletters; no spam.
    assert (total.submissions, total.qualified, total.won) == (9, 5, 2)

    kept = lead(data["quote"], page=data["a"], status=Status.QUALIFIED, utm_campaign="spring")
    Campaign.objects.create(utm_campaign="spring", name="Spring", spend=Decimal("300"))
    before = analytics.report(30)
    services.person_erase(email=kept.email)
    kept.refresh_from_db()
    assert kept.erased_at is not None and kept.email == "" and kept.contact is None
    # Erasure takes the person away, not the lead from the figures: day, article, CTA,
    # status and campaign are still counted.
    assert analytics.report(30) == before
    assert (before.total.submissions, before.total.qualified) == (10, 6)


def test_top_articles_rank_by_qualified_leads(data, article_index):
    c = make_article(article_index, "Article C")
    for _ in range(6):
        lead(data["quote"], page=c, status=Status.QUALIFIED)
    top = analytics.report(30).top_articles
    # Article B had its qualified lead 40 days ago: nothing in these 30 days.
    assert [(row.label, row.qualified) for row in top] == [("Article C", 6), ("Article A", 5)]


def test_breakdown_by_utm_source_and_medium(data):
    sources = [
        (row.source, row.medium, row.submissions, row.qualified, row.won)
        for row in analytics.report(30).sources
    ]
    assert sources == [
        ("", "", 4, 1, 0),
        ("linkedin", "paid", 3, 2, 0),
        ("google", "cpc", 2, 2, 2),  # the erased won lead kept its source and medium
    ]


def test_leads_per_day_has_every_day_of_the_period_including_empty_ones(data):
    series = analytics.report(30).per_day
    today = timezone.localdate()
    assert len(series) == 30
    assert series[-1].day == today
    assert series[0].day == today - datetime.timedelta(days=29)
    by_day = {point.day: point.count for point in series}
    assert by_day[today] == 2  # the new lead and the erased won one; not the spam
    assert by_day[today - datetime.timedelta(days=3)] == 4  # won, lost and two newsletters
    assert by_day[today - datetime.timedelta(days=4)] == 0
    assert sum(by_day.values()) == 9


TODAY = datetime.date(2026, 5, 20)


@pytest.mark.parametrize(
    "params,first,last",
    [
        ({}, datetime.date(2026, 4, 21), TODAY),
        ({"range": "7"}, datetime.date(2026, 5, 14), TODAY),
        ({"range": "90"}, datetime.date(2026, 2, 20), TODAY),
        ({"days": "90"}, datetime.date(2026, 2, 20), TODAY),  # the older links keep working
        ({"range": "this-month"}, datetime.date(2026, 5, 1), TODAY),
        ({"range": "last-month"}, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)),
        ({"range": "this-quarter"}, datetime.date(2026, 4, 1), TODAY),
        ({"range": "365"}, datetime.date(2026, 4, 21), TODAY),  # not a preset: the default
        (
            {"from": "2026-01-03", "to": "2026-01-09"},
            datetime.date(2026, 1, 3),
            datetime.date(2026, 1, 9),
        ),
    ],
)
def test_period_from_a_preset_or_a_custom_range(params, first, last):
    choice = analytics.choose_period(params, today=TODAY)
    assert (choice.period.first_day, choice.period.last_day, choice.errors) == (first, last, ())


@pytest.mark.parametrize(
    "params,message",
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "The first day comes after the last day"),
        ({"from": "yesterday", "to": "2026-03-01"}, "“yesterday” is not a date"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "“2026-02-30” is not a date"),
        ({"from": "2006-01-01", "to": "2026-01-01"}, "at most three years"),
        ({"from": "2026-03-01"}, "Choose the last day"),
    ],
)
def test_a_bad_range_falls_back_to_the_default_with_a_message(params, message):
    choice = analytics.choose_period(params, today=TODAY)
    assert any(message in error for error in choice.errors), choice.errors
    assert choice.period == analytics.Period.last(30, TODAY)


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    period = analytics.Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    previous = period.previous()
    assert (previous.first_day, previous.last_day) == (
        datetime.date(2026, 1, 29),
        datetime.date(2026, 2, 28),
    )


# Kolkata (+5:30) and Kathmandu (+5:45): a local midnight that is not on the hour in UTC.
@pytest.mark.parametrize(
    "time_zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu"]
)
def test_range_is_exact_at_midnight_in_the_sites_time_zone(settings, time_zone):
    settings.TIME_ZONE = time_zone
    timezone.deactivate()
    cta = make_cta("quote")
    first, last = datetime.date(2026, 3, 2), datetime.date(2026, 3, 4)

    def at(day, hour, minute=0, second=0, micro=0):
        moment = datetime.datetime.combine(day, datetime.time(hour, minute, second, micro))
        return make_lead(cta, received_at=timezone.make_aware(moment))

    at(first - datetime.timedelta(days=1), 23, 59, 59, 999999)  # just before: out
    inside = [at(first, 0), at(last, 23, 59, 59, 999999)]
    at(last + datetime.timedelta(days=1), 0)  # just after: out
    period = analytics.Period(first, last)
    assert sorted(period.leads().values_list("pk", flat=True)) == sorted(s.pk for s in inside)
    series = analytics.leads_per_day(period)
    assert [point.count for point in series] == [1, 0, 1]


def test_comparison_with_the_previous_period_on_hand_made_numbers(article_index):
    cta = make_cta("quote")
    page = make_article(article_index, "Compared")
    # This period: the last 7 days; the previous one: the 7 days before.
    for days_ago, status in [(0, Status.NEW), (1, Status.WON), (6, Status.QUALIFIED)]:
        lead(cta, page=page, status=status, days_ago=days_ago)
    for days_ago, status in [(7, Status.NEW), (13, Status.NEW), (13, Status.WON), (10, Status.NEW)]:
        lead(cta, page=page, status=status, days_ago=days_ago)
    lead(cta, page=page, days_ago=14)  # before the previous period: in neither
    impressions(cta, page, 1500, days_ago=2)
    impressions(cta, page, 1000, days_ago=8)
    figures = {figure.label: figure for figure in analytics.report(7).figures}
    leads_figure = figures["Leads"]
    assert (leads_figure.value, leads_figure.previous) == (3, 4)
    assert leads_figure.change == -0.25 and leads_figure.direction == "down"
    assert (figures["Qualified"].value, figures["Qualified"].previous) == (2, 1)
    assert figures["Qualified"].change == 1.0 and figures["Qualified"].direction == "up"
    assert (figures["Won"].value, figures["Won"].previous, figures["Won"].direction) == (
        1,
        1,
        "same",
    )
    assert figures["CTA impressions"].change == 0.5
    assert figures["Leads per impression"].value == 3 / 1500
    assert figures["Leads per impression"].previous == 4 / 1000


def test_no_change_percentage_from_nothing(article_index):
    lead(make_cta("quote"))
    figure = analytics.report(7).figures[1]
    assert (figure.value, figure.previous, figure.change, figure.direction) == (1, 0, None, "up")


def test_cost_per_lead_and_per_qualified_lead_per_campaign(data):
    spring = Campaign.objects.create(utm_campaign="spring", name="Spring", spend=Decimal("300"))
    idle = Campaign.objects.create(utm_campaign="idle", name="Idle", spend=Decimal("50"))
    quote = data["quote"]
    lead(quote, utm_campaign="spring", status=Status.QUALIFIED, days_ago=200)  # all time counts
    lead(quote, utm_campaign="spring", status=Status.WON)
    lead(quote, utm_campaign="spring")
    lead(quote, utm_campaign="spring", status=Status.SPAM)
    lead(quote, utm_campaign="spring", erased=True)  # the spend brought it all the same
    costs = {cost.campaign: cost for cost in analytics.report(30).campaigns}
    assert (costs[spring].leads, costs[spring].qualified) == (4, 2)
    assert (costs[spring].per_lead, costs[spring].per_qualified) == (
        Decimal("75.00"),
        Decimal("150.00"),
    )
    assert (costs[idle].leads, costs[idle].per_lead, costs[idle].per_qualified) == (0, None, None)


def test_report_queries_do_not_grow_with_the_data(data, article_index):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            analytics.report(30)
        return len(captured)

    Campaign.objects.create(utm_campaign="first", name="First", spend=Decimal(10))
    before = queries()
    for n in range(5):
        page = make_article(article_index)
        cta = make_cta("newsletter")
        impressions(cta, page, 10)
        lead(cta, page=page, utm_source=f"source{n}")
        Campaign.objects.create(utm_campaign=f"c{n}", name=f"C{n}", spend=Decimal(10))
    assert queries() == before <= 12  # two more: the previous period's totals


# The page ---------------------------------------------------------------------------------


def chart_in(page_html: str) -> ET.Element:
    svg = re.search(r'<svg class="lead-chart".*?</svg>', page_html, re.DOTALL).group(0)
    return ET.fromstring(svg)  # noqa: S314 - our own page; raises unless well-formed XML


SVG = "{http://www.w3.org/2000/svg}"


def test_analytics_page_shows_every_section(client, data):
    Campaign.objects.create(utm_campaign="spring", name="Spring", spend=Decimal("300"))
    log_in(client, "sales")
    response = client.get(reverse("leads_analytics"))
    assert response.status_code == 200
    page_html = response.content.decode()
    for heading in (
        "Leads per day",
        "Funnel per article",
        "Funnel per call to action",
        "Top articles by qualified leads",
        "Leads by UTM source and medium",
        "Cost per lead by campaign",
    ):
        assert heading in page_html
    assert "71.4 %" in page_html  # qualified rate of article A: 5 of 7
    assert "USD 300.00" in page_html
    assert "—" in page_html  # Spring has no leads: no cost per lead
    assert "<title>Lead analytics" in page_html


@pytest.mark.parametrize("days,bars", [("30", 30), ("90", 90), ("365", 30), ("7", 7)])
def test_chart_is_well_formed_accessible_svg_with_a_bar_per_day(client, data, days, bars):
    log_in(client, "sales")
    page_html = client.get(reverse("leads_analytics"), {"days": days}).content.decode()
    svg = chart_in(page_html)
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby").split()
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert labelled_by == [title.get("id"), desc.get("id")]
    assert title.text.startswith("Leads per day, ")
    assert "at most 4 on one day" in desc.text
    assert len(svg.findall(f".//{SVG}rect")) == bars
    assert "<details>" in page_html and "Leads per day as a table" in page_html
    assert page_html.count("<time datetime=") >= bars  # the data table alternative


def test_tallest_bar_is_the_busiest_day(client, data):
    log_in(client, "sales")
    svg = chart_in(client.get(reverse("leads_analytics")).content.decode())
    bars = svg.findall(f".//{SVG}rect")
    heights = [float(bar.get("height")) for bar in bars]
    busiest = heights.index(max(heights))
    assert busiest == 26  # three days ago, 4 leads
    assert heights[-5] == 0  # four days ago, none


def test_analytics_page_makes_no_third_party_request(client, data):
    log_in(client, "sales")
    page_html = client.get(reverse("leads_analytics")).content.decode()
    # What the browser loads by itself: scripts, images, styles, frames (not links followed).
    loaded = re.findall(
        r'<(?:script|img|link|iframe|source|image|use)\b[^>]*\b(?:src|href)="([^"]*)"', page_html
    )
    assert loaded
    assert [url for url in loaded if re.match(r"(https?:)?//", url)] == []


def table_in(page_html: str, caption: str) -> list[list[str]]:
    """The rows of the table whose caption starts with `caption`, as the cells' text."""
    found = re.search(
        r"<table[^>]*>\s*<caption[^>]*>" + re.escape(caption) + r".*?</table>", page_html, re.DOTALL
    ).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", found, re.DOTALL)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        for row in rows
    ]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def as_number(text: str) -> str:
    """A table cell as the CSV writes it: no thousands separators, no "%", no currency."""
    text = text.replace(",", "").replace(" %", "").removeprefix("USD ")
    return "" if text == "—" else text


@pytest.mark.parametrize(
    "slug,caption",
    [
        ("articles", "Impressions, leads, qualified and won leads per article"),
        ("ctas", "Impressions, leads, qualified and won leads per call to action"),
        ("sources", "Leads, qualified and won leads per UTM source and medium"),
        ("top", "Articles that brought the most qualified leads"),
        ("campaigns", "Spend, leads and cost per lead"),
    ],
)
def test_csv_download_matches_the_table(client, data, slug, caption):
    Campaign.objects.create(utm_campaign="spring", name="Spring", spend=Decimal("1234.5"))
    lead(data["quote"], utm_campaign="spring")
    log_in(client, "sales")
    params = {
        "from": (timezone.localdate() - datetime.timedelta(days=6)).isoformat(),
        "to": timezone.localdate().isoformat(),
    }
    page_html = client.get(reverse("leads_analytics"), params).content.decode()
    shown = table_in(page_html, caption)
    response = client.get(reverse("leads_analytics_csv", args=[slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{params['from']}-to-{params['to']}.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == shown[0]
    assert len(rows) == len(shown) > 1
    for csv_row, shown_row in zip(rows[1:], shown[1:], strict=True):
        assert csv_row[0] == shown_row[0]
        assert [value for value in csv_row[1:] if re.fullmatch(r"[\d.]*", value)] == [
            as_number(text) for text in shown_row[1:] if re.fullmatch(r"[\d.]*", as_number(text))
        ]


def test_csv_download_of_leads_per_day_covers_the_range_and_is_audited(client, data):
    log_in(client, "sales")
    today = timezone.localdate()
    response = client.get(reverse("leads_analytics_csv", args=["days"]), {"range": "7"})
    rows = csv_rows(response)
    assert rows[0] == ["Day", "Leads"]
    assert [row[0] for row in rows[1:]] == [
        (today - datetime.timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    assert rows[-4] == [(today - datetime.timedelta(days=3)).isoformat(), "4"]
    entry = ModelLogEntry.objects.get(action="leads.export")
    assert entry.label == "Lead analytics export: Leads per day"
    assert entry.data["rows"] == 7 and entry.data["format"] == "csv"


def test_csv_cells_are_formula_safe(client, article_index):
    cta = make_cta("quote")
    lead(
        cta, page=make_article(article_index, "Plain"), utm_source="=HYPERLINK(1)", utm_medium="@x"
    )
    log_in(client, "sales")
    rows = csv_rows(client.get(reverse("leads_analytics_csv", args=["sources"])))
    assert rows[1][:2] == ["'=HYPERLINK(1)", "'@x"]


@pytest.mark.parametrize("role,allowed", [("sales", True), ("editor", False), ("anonymous", False)])
def test_csv_download_only_for_those_who_may_view_leads_analytics(client, data, role, allowed):
    log_in(client, role)
    response = client.get(reverse("leads_analytics_csv", args=["sources"]))
    assert (
        response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    ) is allowed
    assert ModelLogEntry.objects.filter(action="leads.export").exists() is allowed


def test_unknown_table_is_not_found(client):
    log_in(client, "sales")
    assert client.get(reverse("leads_analytics_csv", args=["nope"])).status_code == 404


def test_counts_have_thousands_separators(client, article_index):
    cta = make_cta("quote")
    impressions(cta, make_article(article_index, "Popular"), 1234567)
    log_in(client, "sales")
    page_html = client.get(reverse("leads_analytics")).content.decode()
    assert "1,234,567" in page_html
    assert "1234567" not in page_html


@pytest.mark.parametrize(
    "params,message",
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "The first day comes after the last day"),
        ({"from": "garbage", "to": "2026-03-01"}, "is not a date"),
        ({"from": "2000-01-01", "to": "2020-01-01"}, "at most three years"),
        ({"from": "9" * 500, "to": "\x00"}, "is not a date"),
    ],
)
def test_bad_range_shows_a_clear_message_on_the_page(client, params, message):
    log_in(client, "sales")
    response = client.get(reverse("leads_analytics"), params)
    assert response.status_code == 200
    page_html = response.content.decode()
    assert 'role="alert"' in page_html and message in html.unescape(page_html)
    csv_response = client.get(reverse("leads_analytics_csv", args=["days"]), params)
    assert csv_response.status_code == 200


def test_comparison_is_shown_with_a_marker_that_is_not_colour_only(client, data):
    log_in(client, "sales")
    page_html = client.get(reverse("leads_analytics"), {"range": "7"}).content.decode()
    assert "▲" in page_html and "(up)" in page_html
    assert "compared with the 7 days before" in page_html


def test_empty_range_says_so(client, data):
    log_in(client, "sales")
    page_html = client.get(
        reverse("leads_analytics"), {"from": "2020-01-01", "to": "2020-01-31"}
    ).content.decode()
    assert "No impressions or leads in this period." in page_html


# Campaigns --------------------------------------------------------------------------------


def test_sales_manager_adds_a_campaign(client):
    log_in(client, "manager")
    response = client.post(
        reverse("leads_campaigns:add"),
        {
            "name": "Spring eBook on LinkedIn",
            "utm_campaign": "spring-ebook",
            "spend": "2500.00",
            "currency": "EUR",
            "started_on": "",
            "ended_on": "",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.utm_campaign, campaign.spend) == ("spring-ebook", Decimal("2500.00"))


def test_sales_see_campaigns_but_cannot_change_them(client):
    campaign = Campaign.objects.create(utm_campaign="spring", name="Spring", spend=1)
    log_in(client, "sales")
    listing = client.get(reverse("leads_campaigns:index"))
    assert listing.status_code == 200 and "Spring" in listing.content.decode()
    client.post(
        reverse("leads_campaigns:edit", args=[campaign.pk]),
        {"name": "Hacked", "utm_campaign": "spring", "spend": "0", "currency": "USD"},
    )
    client.post(reverse("leads_campaigns:delete", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert (campaign.name, campaign.spend) == ("Spring", 1)


# Who sees what ----------------------------------------------------------------------------

ROLES = ["anonymous", "editor", "moderator", "sales", "manager", "superuser"]
ALLOWED = {
    "analytics": {"sales", "manager", "superuser"},
    "campaigns": {"sales", "manager", "superuser"},
    "campaign_add": {"manager", "superuser"},
    "campaign_edit": {"manager", "superuser"},
    "campaign_edit_guessed": set(),
    "campaign_delete": {"manager", "superuser"},
}


def urls(campaign):
    return {
        "analytics": reverse("leads_analytics"),
        "campaigns": reverse("leads_campaigns:index"),
        "campaign_add": reverse("leads_campaigns:add"),
        "campaign_edit": reverse("leads_campaigns:edit", args=[campaign.pk]),
        "campaign_edit_guessed": reverse("leads_campaigns:edit", args=[campaign.pk + 1000]),
        "campaign_delete": reverse("leads_campaigns:delete", args=[campaign.pk]),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_analytics_and_campaign_urls_are_open_only_to_roles_with_rights(client, role, name):
    campaign = Campaign.objects.create(utm_campaign="secret-plan", name="Secret plan", spend=9)
    log_in(client, role)
    url = urls(campaign)[name]
    response = client.get(url, follow=True)
    shown = response.status_code == 200 and response.request["PATH_INFO"] == url
    assert shown == (role in ALLOWED[name]), (role, name, response.status_code)
    if role not in ALLOWED["campaigns"]:
        assert "secret-plan" not in response.content.decode()


@pytest.mark.parametrize("role,shown", [("sales", True), ("editor", False), ("moderator", False)])
def test_analytics_and_campaigns_are_in_the_leads_menu_for_sales_only(client, role, shown):
    log_in(client, role)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (reverse("leads_analytics") in dashboard) is shown
    assert (reverse("leads_campaigns:index") in dashboard) is shown


# Dashboard --------------------------------------------------------------------------------


def panel_counts(page_html: str) -> list[int]:
    return [int(n) for n in re.findall(r"data-lead-count>(\d+)</span>", page_html)]


def test_dashboard_shows_sales_the_leads_awaiting_review_hot_and_their_own(
    client, django_user_model
):
    log_in(client, "sales")
    me = django_user_model.objects.get(username="sales")
    cta = make_cta("quote")
    lead(cta)  # new
    lead(cta, status=Status.IN_REVIEW, owner=me)
    lead(cta, status=Status.QUALIFIED, owner=me)
    lead(cta, status=Status.WON, owner=me)  # closed: not open
    lead(cta, status=Status.SPAM)  # quarantine: not awaiting review
    lead(cta, erased=True)  # erased: still a figure in analytics, no longer work to do
    hot = lead(cta, status=Status.HANDED_OFF)
    cold_but_closed = lead(cta, status=Status.LOST)
    threshold = ScoringSettings.load().hot_threshold
    type(hot.contact).objects.filter(pk__in=[hot.contact_id, cold_but_closed.contact_id]).update(
        score=threshold
    )

    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert panel_counts(page_html) == [1, 1, 2, 1]  # new, in review, mine, hot
    assert f"score_min={threshold}" in page_html
    assert "owner=mine" in page_html


def test_an_erased_lead_leaves_the_dashboard_but_stays_in_analytics(client, django_user_model):
    log_in(client, "sales")
    me = django_user_model.objects.get(username="sales")
    cta = make_cta("quote")
    lead(cta)
    erased = lead(cta, status=Status.IN_REVIEW, owner=me)
    type(erased.contact).objects.filter(pk=erased.contact_id).update(
        score=ScoringSettings.load().hot_threshold
    )
    home = reverse("wagtailadmin_home")
    # new, in review, mine, hot
    assert panel_counts(client.get(home).content.decode()) == [1, 1, 1, 1]

    services.person_erase(email=erased.email)
    # The panels are work queues: nothing is left to review, chase or own for an erased person.
    assert Submission.objects.get(pk=erased.pk).status == Status.IN_REVIEW
    assert panel_counts(client.get(home).content.decode()) == [1, 0, 0, 0]
    assert analytics.report(30).total.submissions == 2  # the statistics still count it


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_see_no_leads_panel_on_the_dashboard(client, role):
    lead(make_cta("quote"))
    log_in(client, role)
    page_html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-lead-count" not in page_html
    assert "Leads awaiting review" not in page_html
    assert reverse("leads_analytics") not in page_html
