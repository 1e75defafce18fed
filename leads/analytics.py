"""Lead analytics: the numbers behind /admin/leads/analytics/, aggregated in the database.

Each report is one grouped query (or two merged in Python: submissions and impressions live in
different tables), never a query per row, so the page costs the same with 10 leads or 300k.

What counts as a lead: a non-spam submission, erased ones included. Quarantined spam was never a
lead; an erased person's submissions keep only what these reports count (day, CTA, page,
status, campaign), so erasure and the retention policy do not rewrite history.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import CharField, Count, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Cast, Substr, TruncDate
from django.utils import timezone
from wagtail.models import Page

from .models import CallToAction, Campaign, CTAImpression, Status, Submission

PRESETS = {
    "7": "Last 7 days",
    "30": "Last 30 days",
    "90": "Last 90 days",
    "this-month": "This month",
    "last-month": "Last month",
    "this-quarter": "This quarter",
}
DEFAULT_PRESET = "30"
# Longer ranges are refused: a year or three is what anyone compares; twenty years is a typo.
MAX_DAYS = 3 * 366
# A lead counts as qualified once sales accepted it, whatever happened next. "Lost" is
# reachable only from "handed off", so it was qualified too; leaving it out would make the
# win rate (won / qualified) look better the more deals are lost.
QUALIFIED_STATUSES = (Status.QUALIFIED, Status.HANDED_OFF, Status.WON, Status.LOST)
TOP_ARTICLES = 10


def leads():
    """Every submission that counts as a lead: not spam (erased ones count, anonymously)."""
    return Submission.objects.exclude(status=Status.SPAM)


def rate(part: int, whole: int) -> float | None:
    """part / whole as a fraction, or None when there is nothing to divide by."""
    return part / whole if whole else None


def change(value: float | None, previous: float | None) -> float | None:
    """The change from `previous` to `value` as a fraction (0.25 is +25 %), or None when the
    previous value was zero or undefined (no percentage can say "from nothing")."""
    if value is None or not previous:
        return None
    return (value - previous) / previous


def midnight(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Period:
    """The days from `first_day` to `last_day`, both included, in the site's time zone."""

    first_day: datetime.date
    last_day: datetime.date

    @classmethod
    def last(cls, days: int, today: datetime.date | None = None) -> "Period":
        """The last `days` days up to and including today."""
        today = today or timezone.localdate()
        return cls(today - datetime.timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def starts_at(self) -> datetime.datetime:
        return midnight(self.first_day)

    @property
    def ends_before(self) -> datetime.datetime:
        return midnight(self.last_day + datetime.timedelta(days=1))

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        last = self.first_day - datetime.timedelta(days=1)
        return Period(last - datetime.timedelta(days=self.days - 1), last)

    def each_day(self) -> list[datetime.date]:
        return [self.first_day + datetime.timedelta(days=n) for n in range(self.days)]

    def leads(self):
        return leads().filter(received_at__gte=self.starts_at, received_at__lt=self.ends_before)

    def impressions(self):
        return CTAImpression.objects.filter(day__gte=self.first_day, day__lte=self.last_day)


def preset_period(name: str, today: datetime.date | None = None) -> Period:
    """The period a preset names (see PRESETS), up to today."""
    today = today or timezone.localdate()
    if name.isdigit():
        return Period.last(int(name), today)
    month_start = today.replace(day=1)
    if name == "this-month":
        return Period(month_start, today)
    if name == "last-month":
        last = month_start - datetime.timedelta(days=1)
        return Period(last.replace(day=1), last)
    if name == "this-quarter":
        return Period(month_start.replace(month=3 * ((today.month - 1) // 3) + 1), today)
    raise ValueError(name)


@dataclass(frozen=True)
class Choice:
    """The period asked for in the query string, and what was wrong with it, if anything."""

    period: Period
    preset: str | None  # the preset chosen, None for a custom range
    errors: tuple[str, ...] = ()


def parse_day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def choose_period(params, today: datetime.date | None = None) -> Choice:
    """The period from `?from=YYYY-MM-DD&to=YYYY-MM-DD` or `?range=<preset>` (or the older
    `?days=30|90`). A bad range falls back to the default preset with messages saying why:
    never an error page."""
    today = today or timezone.localdate()
    default = Choice(preset_period(DEFAULT_PRESET, today), DEFAULT_PRESET)
    start, end = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if start or end:
        errors = []
        first, last = parse_day(start), parse_day(end)
        if start and first is None:
            errors.append(f"“{start[:20]}” is not a date: use the form 2025-01-31.")
        if end and last is None:
            errors.append(f"“{end[:20]}” is not a date: use the form 2025-01-31.")
        if not start:
            errors.append("Choose the first day of the range.")
        if not end:
            errors.append("Choose the last day of the range.")
        if not errors and first > last:
            errors.append("The first day comes after the last day: swap them.")
        if not errors and (last - first).days + 1 > MAX_DAYS:
            errors.append("Choose a range of at most three years.")
        if errors:
            return Choice(default.period, DEFAULT_PRESET, tuple(errors))
        return Choice(Period(first, last), None)
    name = params.get("range") or params.get("days") or DEFAULT_PRESET
    if name not in PRESETS:
        name = DEFAULT_PRESET
    return Choice(preset_period(name, today), name)


# Leads per day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    count: int


def leads_per_day(period: Period) -> list[DayCount]:
    """One entry per day of the period, days without leads included (as 0)."""
    leads = period.leads()
    if connections[leads.db].vendor == "sqlite":
        counts = sqlite_day_counts(leads)
    else:
        day = TruncDate("received_at", tzinfo=timezone.get_current_timezone())
        counts = dict(
            leads.annotate(day=day)
            .values_list("day")
            .annotate(count=Count("pk"))
            .values_list("day", "count")
            .order_by()
        )
    return [DayCount(day, counts.get(day, 0)) for day in period.each_day()]


QUARTER_HOUR = 15 * 60  # seconds; every time zone's offset from UTC is a whole number of them


def sqlite_day_counts(leads) -> dict[datetime.date, int]:
    """{day in the site's time zone: leads}. Django's TruncDate calls Python once per row on
    SQLite (0.6 s for 75k leads); SQLite's own strftime() counts them per quarter hour of UTC
    instead, and each quarter hour falls in one local day, whatever the zone's offset."""
    # Whole seconds: strftime() rounds to the millisecond first, and 23:59:59.9996 would count
    # in the next day.
    whole_seconds = Substr(F("received_at"), 1, 19, output_field=CharField())
    seconds = Cast(Func(Value("%s"), whole_seconds, function="strftime"), IntegerField())
    rows = (
        leads.annotate(quarter=seconds / QUARTER_HOUR)
        .values_list("quarter")
        .annotate(count=Count("pk"))
        .values_list("quarter", "count")
        .order_by()
    )
    zone = timezone.get_current_timezone()
    counts = Counter()
    for quarter, count in rows:
        counts[datetime.datetime.fromtimestamp(quarter * QUARTER_HOUR, zone).date()] += count
    return counts


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


def outcome_counts(queryset, *by: str) -> dict:
    """{values of the `by` columns (a tuple): (submissions, qualified, won)} in one grouped
    query."""
    rows = (
        queryset.values_list(*by)
        .annotate(
            submissions=Count("pk"),
            qualified=Count("pk", filter=Q(status__in=QUALIFIED_STATUSES)),
            won=Count("pk", filter=Q(status=Status.WON)),
        )
        .values_list(*by, "submissions", "qualified", "won")
        .order_by()
    )
    return {tuple(row[: len(by)]): row[len(by) :] for row in rows}


@dataclass(frozen=True)
class Placements:
    """A period's outcomes and impressions per (CTA, page): both funnels and the totals are
    folded from them, so the period's leads are read once, not once per table."""

    outcomes: dict[tuple[int | None, int | None], tuple[int, int, int]]
    impressions: dict[tuple[int | None, int | None], int]

    @classmethod
    def count(cls, period: Period) -> "Placements":
        impressions = (
            period.impressions()
            .values_list("cta_id", "page_id")
            .annotate(n=Sum("count"))
            .values_list("cta_id", "page_id", "n")
            .order_by()
        )
        return cls(
            outcome_counts(period.leads(), "cta_id", "page_id"),
            {(cta, page): n for cta, page, n in impressions},
        )

    def by(self, by: str) -> tuple[dict, dict]:
        """The outcomes and impressions per CTA (`by="cta"`) or per page (`by="page"`)."""
        position = 0 if by == "cta" else 1
        outcomes, impressions = {}, Counter()
        for key, counts in self.outcomes.items():
            total = outcomes.get(key[position], (0, 0, 0))
            outcomes[key[position]] = tuple(a + b for a, b in zip(total, counts, strict=True))
        for key, n in self.impressions.items():
            impressions[key[position]] += n
        return outcomes, impressions


def funnel(period: Period, placements: Placements, *, by: str) -> list[FunnelRow]:
    """The funnel per article (`by="page"`) or per CTA (`by="cta"`) from the period's
    `placements`, busiest first.

    Labels are the current page title or CTA name; for a page or CTA deleted since, the name
    it had when its last lead arrived.
    """
    column = f"{by}_id"
    outcomes, impressions = placements.by(by)
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


def totals(period: Period) -> "FunnelRow":
    """Impressions, leads, qualified and won over the whole period: two aggregate queries."""
    counts = period.leads().aggregate(
        submissions=Count("pk"),
        qualified=Count("pk", filter=Q(status__in=QUALIFIED_STATUSES)),
        won=Count("pk", filter=Q(status=Status.WON)),
    )
    shown = period.impressions().aggregate(n=Sum("count"))["n"] or 0
    return FunnelRow(None, "All", shown, counts["submissions"], counts["qualified"], counts["won"])


@dataclass(frozen=True)
class Figure:
    """A headline number, the same number for the previous period, and the change."""

    label: str
    value: float | None
    previous: float | None
    is_rate: bool = False

    @property
    def change(self) -> float | None:
        return change(self.value, self.previous)

    @property
    def direction(self) -> str:
        """ "up", "down" or "same" (also "same" when there is nothing to compare with)."""
        if self.value is None or self.previous is None or self.value == self.previous:
            return "same"
        return "up" if self.value > self.previous else "down"


def figures(total: FunnelRow, previous: FunnelRow) -> list[Figure]:
    return [
        Figure("CTA impressions", total.impressions, previous.impressions),
        Figure("Leads", total.submissions, previous.submissions),
        Figure("Qualified", total.qualified, previous.qualified),
        Figure("Won", total.won, previous.won),
        Figure(
            "Leads per impression", total.submission_rate, previous.submission_rate, is_rate=True
        ),
    ]


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
    previous: FunnelRow
    figures: list[Figure]

    @property
    def is_empty(self) -> bool:
        return not (self.total.impressions or self.total.submissions)


def report(period: Period | int) -> Report:
    """Every table of the analytics page for `period` (or the last `period` days)."""
    if isinstance(period, int):
        period = Period.last(period)
    placements = Placements.count(period)
    by_cta = funnel(period, placements, by="cta")
    total = funnel_total(by_cta)
    previous = totals(period.previous())
    by_article = funnel(period, placements, by="page")
    return Report(
        period=period,
        per_day=leads_per_day(period),
        by_article=by_article,
        by_cta=by_cta,
        top_articles=top_articles(by_article),
        total=total,
        sources=by_source(period),
        campaigns=campaign_costs(),
        previous=previous,
        figures=figures(total, previous),
    )
