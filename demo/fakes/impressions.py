"""Invented CTA impression counts for the analytics benchmark: one row per CTA, page and day,
as the beacon writes them, a million of them written in seconds (executemany, no instances).

A CTA is counted once per page and day, so a million rows need more (CTA, page) pairs than the
demo shows CTAs on pages: every CTA is paired with every live page, busiest on the pages that
really show it, and the days go back as far as the rows need (the last `days` days first).
"""

import datetime
import math
import random
from collections.abc import Sequence

from django.db import connections
from django.utils import timezone
from wagtail.models import Page

from leads.models import CallToAction, CTAImpression

from .rows import RowWriter, reset_sequences
from .submissions import Placement


def generate_impressions(
    *,
    rows: int,
    placements: Sequence[Placement],
    seed: int = 4,
    batch_size: int = 20_000,
    using: str = "default",
) -> int:
    """Write `rows` impression counts ending today; returns how many were written. Rows
    already there for a CTA, page and day are left alone (none, on a fresh benchmark site)."""
    if rows <= 0:
        return 0
    shown = {(p.cta.pk, p.page.pk) for p in placements}
    pages = list(Page.objects.using(using).live().filter(depth__gt=1).values_list("pk", flat=True))
    ctas = list(CallToAction.objects.using(using).values_list("pk", flat=True))
    pairs = sorted(shown) + sorted({(c, p) for c in ctas for p in pages} - shown)
    if not pairs:
        return 0
    taken = set(CTAImpression.objects.using(using).values_list("day", "cta_id", "page_id"))
    random_ = random.Random(seed)  # noqa: S311 - invented counts, not secrets
    connection = connections[using]
    writer = RowWriter(CTAImpression, connection, batch_size)
    today = timezone.localdate()
    days = math.ceil(rows / len(pairs))
    written = 0
    for back in range(days + len(taken)):
        day = today - datetime.timedelta(days=back)
        for cta_id, page_id in pairs:
            if written == rows:
                break
            if (day, cta_id, page_id) in taken:
                continue
            busy = (cta_id, page_id) in shown
            count = random_.randint(20, 400) if busy else random_.randint(1, 30)
            writer.add(day=day, cta_id=cta_id, page_id=page_id, count=count)
            written += 1
        if written == rows:
            break
    writer.flush()
    reset_sequences(connection, [CTAImpression])
    return written
