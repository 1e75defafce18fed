"""The leads-per-day bar chart: its geometry in SVG user units, which the template only draws.

Drawn here, with no chart library, so the admin makes no third-party request.
"""

import datetime
import math
from dataclasses import dataclass

from ... import analytics


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: datetime.date
    count: int


@dataclass(frozen=True)
class Tick:
    position: float  # x for a day label, y for a value
    text: str


@dataclass(frozen=True)
class BarChart:
    """The geometry of a bar chart, in SVG user units; the template only draws it."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    total: int
    peak: int


def nice_step(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten (at least 1) not below value: the tick
    spacings people read at a glance."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value)


def bar_chart(series: list[analytics.DayCount], *, width: int = 720, height: int = 240) -> BarChart:
    """One bar per day; about four value gridlines; a day label every week (or fortnight),
    ending on the last day so that today is always labelled."""
    left, right, top, bottom = 40, width - 24, 10, height - 28
    peak = max((point.count for point in series), default=0)
    step = nice_step(peak / 4)
    y_max = max(step * math.ceil(peak / step), step * 4) if peak else 4

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / y_max, 2)

    slot = (right - left) / max(len(series), 1)
    bar_width = round(max(slot * 0.7, 1), 2)
    bars = [
        Bar(
            x=round(left + slot * i + (slot - bar_width) / 2, 2),
            y=y_of(point.count),
            width=bar_width,
            height=round(bottom - y_of(point.count), 2),
            day=point.day,
            count=point.count,
        )
        for i, point in enumerate(series)
    ]
    # About eight labels at most, a whole number of weeks apart.
    every = 7 * max(1, math.ceil(len(series) / 7 / 8)) if len(series) > 14 else 1
    x_ticks = [
        Tick(round(left + slot * (i + 0.5), 2), f"{point.day:%b} {point.day.day}")
        for i, point in enumerate(series)
        if (len(series) - 1 - i) % every == 0
    ]
    y_ticks = [Tick(y_of(value), str(value)) for value in range(0, y_max + 1, step)]
    return BarChart(
        width,
        height,
        left,
        top,
        right,
        bottom,
        bars,
        y_ticks,
        x_ticks,
        total=sum(point.count for point in series),
        peak=peak,
    )
