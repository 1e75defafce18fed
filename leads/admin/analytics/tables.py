"""The analytics page's tables, each described once: the page shows them and the CSV download
writes them from the same columns, so a spreadsheet always holds what the table showed.

A cell keeps its raw value (for the CSV: a number stays a number, a rate is a percentage with
one decimal) and its text on the page (1,234; 12.5 %; USD 300.00; "—" where undefined).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ... import analytics
from ...templatetags.lead_analytics import count, money, percent

TEXT, NUMBER, RATE, MONEY, DAY = "text", "number", "rate", "money", "day"


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable
    kind: str = NUMBER
    currency: Callable | None = None  # for MONEY: the row's currency


@dataclass(frozen=True)
class Cell:
    raw: object  # what the CSV holds
    text: str  # what the page shows
    numeric: bool
    url: str = ""


@dataclass(frozen=True)
class Table:
    slug: str
    heading: str
    caption: str
    empty: str
    columns: list[Column]
    rows: list[list[Cell]]

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]


def cell(column: Column, row) -> Cell:
    value = column.value(row)
    if column.kind == RATE:
        raw = None if value is None else round(value * 100, 1)
        return Cell(raw, percent(value), True)
    if column.kind == MONEY:
        currency = column.currency(row)
        return Cell(value, money(value, currency), True)
    if column.kind == NUMBER:
        return Cell(value, count(value), True)
    if column.kind == DAY:
        return Cell(value.isoformat(), f"{value:%a} {value.day} {value:%b %Y}", False)
    return Cell(value, str(value), False)


def table(slug, heading, caption, empty, columns, items) -> Table:
    rows = [[cell(column, item) for column in columns] for item in items]
    return Table(slug, heading, caption, empty, columns, rows)


FUNNEL = [
    Column("Impressions", lambda row: row.impressions),
    Column("Leads", lambda row: row.submissions),
    Column("Leads per impression", lambda row: row.submission_rate, RATE),
    Column("Qualified", lambda row: row.qualified),
    Column("Qualified rate", lambda row: row.qualified_rate, RATE),
    Column("Won", lambda row: row.won),
    Column("Win rate", lambda row: row.won_rate, RATE),
]
NO_LEADS = "No impressions or leads in this period."


def currency_of(row: analytics.CampaignCost) -> str:
    return row.campaign.currency


def tables(report: analytics.Report) -> dict[str, Table]:
    """Every table of the page, by slug (the slug names the CSV download)."""
    found = [
        table(
            "days",
            "Leads per day",
            "Leads per day",
            "No days in this period.",
            [Column("Day", lambda point: point.day, DAY), Column("Leads", lambda p: p.count)],
            report.per_day,
        ),
        table(
            "articles",
            "Funnel per article",
            "Impressions, leads, qualified and won leads per article",
            NO_LEADS,
            [Column("Article", lambda row: row.label, TEXT), *FUNNEL],
            report.by_article,
        ),
        table(
            "ctas",
            "Funnel per call to action",
            "Impressions, leads, qualified and won leads per call to action",
            NO_LEADS,
            [Column("Call to action", lambda row: row.label, TEXT), *FUNNEL],
            report.by_cta,
        ),
        table(
            "top",
            "Top articles by qualified leads",
            "Articles that brought the most qualified leads",
            "No qualified leads in this period.",
            [
                Column("Article", lambda row: row.label, TEXT),
                Column("Qualified", lambda row: row.qualified),
                Column("Won", lambda row: row.won),
                Column("Leads", lambda row: row.submissions),
                Column("Qualified rate", lambda row: row.qualified_rate, RATE),
            ],
            report.top_articles,
        ),
        table(
            "sources",
            "Leads by UTM source and medium",
            "Leads, qualified and won leads per UTM source and medium",
            "No leads in this period.",
            [
                Column("Source", lambda row: row.source or "(none: direct or untagged)", TEXT),
                Column("Medium", lambda row: row.medium or "(none)", TEXT),
                Column("Leads", lambda row: row.submissions),
                Column("Qualified", lambda row: row.qualified),
                Column("Qualified rate", lambda row: row.qualified_rate, RATE),
                Column("Won", lambda row: row.won),
            ],
            report.sources,
        ),
        table(
            "campaigns",
            "Cost per lead by campaign",
            "Spend, leads and cost per lead for each campaign",
            "No campaigns yet.",
            [
                Column("Campaign", lambda row: row.campaign.name, TEXT),
                Column("utm_campaign", lambda row: row.campaign.utm_campaign, TEXT),
                Column("Spend", lambda row: row.campaign.spend, MONEY, currency_of),
                Column("Leads", lambda row: row.leads),
                Column("Cost per lead", lambda row: row.per_lead, MONEY, currency_of),
                Column("Qualified", lambda row: row.qualified),
                Column(
                    "Cost per qualified lead", lambda row: row.per_qualified, MONEY, currency_of
                ),
            ],
            report.campaigns,
        ),
    ]
    return {found_table.slug: found_table for found_table in found}


def csv_value(value):
    """A raw cell as the CSV writes it: dates as ISO text, money as a plain decimal."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value
