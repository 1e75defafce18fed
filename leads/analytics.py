"""Lead analytics: the numbers behind /admin/leads/analytics/, aggregated in the database.

Each report is one grouped query (or two merged in Python: submissions and impressions live in
different tables), never a query per row, so the page costs the same with 10 leads or 300k.

What counts as a lead: a non-spam submission, erased ones included. Quarantined spam was never a
lead; an erased person's submissions keep only what these reports count (day, CTA, page,
status, campaign), so erasure and the retention policy do not rewrite history.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from wagtail.models import Page

from .models import CallToAction, Campaign, CTAImpression, Status, Submission

PERIODS = (30, 90)
DEFAULT_PERIOD = 30
# A lead counts as qualified once sales accepted it, whatever happened next. "Lost" is
# reachable only from "handed off", so it was qualified too; leaving it out would make the
# win rate (won / qualified) look better the more deals are lost.
QUALIFIED_STATUSES = (Status.QUALIFIED, Status.HANDED_OFF, Status.WON, Status.LOST)
TOP_ARTICLES = 10


def period_days(value) -> int:
    """The period asked for in `?days=`: 30 or 90; anything else is 30."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def leads():
    """Every submission that counts as a lead: not spam (erased ones count, anonymously)."""
    return Submission.objects.exclude(status=Status.SPAM)


def rate(part: int, whole: int) -> float | None:
    """part / whole as a fraction, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Period:
    """The last `days` days up to and including today, in the site's time zone."""

    days: int
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def first_day(self) -> datetime.date:
        return self.today - datetime.timedelta(days=self.days - 1)

    @property
    def starts_at(self) -> datetime.datetime:
        midnight = datetime.datetime.combine(self.first_day, datetime.time.min)
        return timezone.make_aware(midnight)

    def each_day(self) -> list[datetime.date]:
        return [self.first_day + datetime.timedelta(days=n) for n in range(self.days)]

    def leads(self):
        return leads().filter(received_at__gte=self.starts_at)

    def impressions(self):
        return CTAImpression.objects.filter(day__gte=self.first_day, day__lte=self.today)


# Leads per day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    count: int


def leads_per_day(period: Period) -> list[DayCount]:
    """One entry per day of the period, days without leads included (as 0)."""
    counts = dict(
        period.leads()
        .annotate(day=TruncDate("received_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
        .order_by()
    )
    return [DayCount(day, counts.get(day, 0)) for day in period.each_day()]


# Funnel -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    """Impressions → submissions → qualified → won for one article or CTA."""

    key: int | None
    label: str
    impressions: int = 0
    submissions: int = 0
    qualified: int = 0
    won: int = 0

    @property
    def submission_rate(self) -> float | None:
        return rate(self.submissions, self.impressions)

    @property
    def qualified_rate(self) -> float | None:
        return rate(self.qualified, self.submissions)

    @property
    def won_rate(self) -> float | None:
        return rate(self.won, self.qualified)


def outcome_counts(queryset, by: str) -> dict:
    """{value of `by`: (submissions, qualified, won)} in one grouped query."""
    rows = (
        queryset.values_list(by)
        .annotate(
            submissions=Count("pk"),
            qualified=Count("pk", filter=Q(status__in=QUALIFIED_STATUSES)),
            won=Count("pk", filter=Q(status=Status.WON)),
        )
        .values_list(by, "submissions", "qualified", "won")
        .order_by()
    )
    return {key: counts for key, *counts in rows}


def funnel(period: Period, *, by: str) -> list[FunnelRow]:
    """The funnel per article (`by="page"`) or per CTA (`by="cta"`), busiest first.

    Labels are the current page title or CTA name; for a page or CTA deleted since, the name
    it had when its last lead arrived.
    """
    column = f"{by}_id"
    outcomes = outcome_counts(period.leads(), column)
    impressions = dict(
        period.impressions().values_list(column).annotate(n=Sum("count")).values_list(column, "n")
    )
    keys = set(outcomes) | set(impressions)
    model, title, snapshot = (
        (Page, "title", "page_title") if by == "page" else (CallToAction, "title", "cta_title")
    )
    labels = dict(model.objects.filter(pk__in=keys - {None}).values_list("pk", title))
    missing = keys - set(labels) - {None}
    if missing:
        labels |= dict(
            period.leads()
            .filter(**{f"{column}__in": missing})
            .order_by(column, "received_at")
            .values_list(column, snapshot)
        )
    if None in keys:
        labels[None] = "No page (the CTA's own page)" if by == "page" else "Deleted CTAs"
    rows = [
        FunnelRow(
            key,
            labels.get(key) or f"#{key}",
            impressions.get(key, 0),
            *outcomes.get(key, (0, 0, 0)),
        )
        for key in keys
    ]
    return sorted(rows, key=lambda row: (-row.submissions, -row.impressions, row.label))


def top_articles(rows: list[FunnelRow], limit: int = TOP_ARTICLES) -> list[FunnelRow]:
    """The articles that brought the most qualified leads (from the per-article funnel)."""
    ranked = [row for row in rows if row.qualified and row.key is not None]
    return sorted(ranked, key=lambda row: (-row.qualified, -row.won, row.label))[:limit]


def funnel_total(rows: list[FunnelRow]) -> FunnelRow:
    return FunnelRow(
        None,
        "All",
        sum(row.impressions for row in rows),
        sum(row.submissions for row in rows),
        sum(row.qualified for row in rows),
        sum(row.won for row in rows),
    )


# Attribution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    source: str
    medium: str
    submissions: int
    qualified: int
    won: int

    @property
    def qualified_rate(self) -> float | None:
        return rate(self.qualified, self.submissions)


def by_source(period: Period) -> list[SourceRow]:
    """Leads per UTM source and medium ("" where the visit had none), biggest first."""
    rows = (
        period.leads()
        .values_list("utm_source", "utm_medium")
        .annotate(
            submissions=Count("pk"),
            qualified=Count("pk", filter=Q(status__in=QUALIFIED_STATUSES)),
            won=Count("pk", filter=Q(status=Status.WON)),
        )
        .order_by("-submissions", "utm_source", "utm_medium")
    )
    return [SourceRow(*row) for row in rows]


# Cost per lead ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignCost:
    campaign: Campaign
    leads: int
    qualified: int

    @property
    def per_lead(self) -> Decimal | None:
        return cost_per(self.campaign.spend, self.leads)

    @property
    def per_qualified(self) -> Decimal | None:
        return cost_per(self.campaign.spend, self.qualified)


def cost_per(spend: Decimal, count: int) -> Decimal | None:
    if not count:
        return None
    return (spend / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def campaign_costs() -> list[CampaignCost]:
    """Each campaign's spend divided by its leads and by its qualified leads.

    Over the campaign's whole life, not the period shown: the spend entered is the campaign's
    total, so dividing it by a window of its leads would overstate the cost.
    """
    campaigns = list(Campaign.objects.all())
    rows = (
        leads()
        .filter(utm_campaign__in=[campaign.utm_campaign for campaign in campaigns])
        .values_list("utm_campaign")
        .annotate(total=Count("pk"), qualified=Count("pk", filter=Q(status__in=QUALIFIED_STATUSES)))
        .values_list("utm_campaign", "total", "qualified")
        .order_by()
    )
    counts = {code: (total, qualified) for code, total, qualified in rows}
    return [
        CampaignCost(campaign, *counts.get(campaign.utm_campaign, (0, 0))) for campaign in campaigns
    ]


# The whole report -------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    period: Period
    per_day: list[DayCount]
    by_article: list[FunnelRow]
    by_cta: list[FunnelRow]
    top_articles: list[FunnelRow]
    total: FunnelRow
    sources: list[SourceRow]
    campaigns: list[CampaignCost]


def report(days: int) -> Report:
    period = Period(period_days(days))
    by_article = funnel(period, by="page")
    return Report(
        period=period,
        per_day=leads_per_day(period),
        by_article=by_article,
        by_cta=funnel(period, by="cta"),
        top_articles=top_articles(by_article),
        total=funnel_total(by_article),
        sources=by_source(period),
        campaigns=campaign_costs(),
    )
