"""Impressions: count each view of a CTA on a page, per day, for the CTA report.

The count is kept by one SQL statement per view, the same on SQLite and PostgreSQL; the
beacon that calls it is described in docs/leads.md ("The sales workspace", CTA impressions).
"""

import datetime

from django.db import connection

# Double-quoted identifiers are standard SQL: the same statement runs on SQLite and PostgreSQL.
IMPRESSION_UPSERT = """
    INSERT INTO "leads_ctaimpression" ("day", "cta_id", "page_id", "count")
    SELECT %s, cta."id", page."id", 1
    FROM "leads_calltoaction" cta, "wagtailcore_page" page
    WHERE cta."id" = %s AND page."id" = %s
    ON CONFLICT ("day", "cta_id", "page_id")
    DO UPDATE SET "count" = "leads_ctaimpression"."count" + 1
"""


def impression_record(*, cta_id: int, page_id: int, day: datetime.date) -> bool:
    """Count one view of a CTA on a page on a day; False if the CTA or the page is gone.

    One statement, INSERT ... SELECT ... ON CONFLICT DO UPDATE SET count = count + 1, the same
    SQL on SQLite (3.24+) and PostgreSQL: atomic under any concurrency (no lost increment, no
    IntegrityError to retry, no transaction to hold). The SELECT yields no row for a CTA or page
    deleted since the page was cached, so a stale beacon is ignored instead of breaking a
    foreign key.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            IMPRESSION_UPSERT, [connection.ops.adapt_datefield_value(day), cta_id, page_id]
        )
        return cursor.rowcount > 0
