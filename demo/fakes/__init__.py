"""Invented leads, for the demo site (demo/leads.py) and for the inbox benchmark (bench/inbox,
through `manage.py generate_leads`).

Nobody here is real: every email address is at a reserved `.example` domain (RFC 2606).
Everything is drawn from a seeded `random.Random`: the same seed gives the same leads.

These functions write with `bulk_create` and skip `leads.services` on purpose: this is seeding
(no visitor posted a form, no salesperson clicked), and the services' per-lead work (dedup
lookups, follow-up tasks, emails) is exactly what seeding must not do.

    people.py       invented people and companies
    submissions.py  what they answered, on which CTA and page, from which campaign
    history.py      review statuses, notes, audit-log entries, follow-up already sent
    rows.py         fast row writing (RowWriter, reset_sequences, backdate)
    bulk.py         generate(): the bulk generator of `generate_leads`
    impressions.py  generate_impressions(): CTA impression counts for the analytics bench
"""

from .bulk import GenerateReport, generate
from .history import (
    DISQUALIFY_REASONS,
    LOST_REASONS,
    NOTES,
    reviewed_at,
    sent_deliveries,
    status_for,
    status_log_entry,
)
from .impressions import generate_impressions
from .people import (
    COMPANIES,
    FIRST_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    Person,
    invent_person,
    typed_email,
)
from .rows import RowWriter, backdate, reset_sequences
from .submissions import (
    CAMPAIGN_TOUCHES,
    KIND_WEIGHTS,
    MESSAGES,
    SEARCH_REFERRERS,
    Placement,
    answers_for,
    attribution_for,
    pick_placement,
    seed_key,
    submission_for,
)

__all__ = [
    "CAMPAIGN_TOUCHES",
    "COMPANIES",
    "DISQUALIFY_REASONS",
    "FIRST_NAMES",
    "JOB_TITLES",
    "KIND_WEIGHTS",
    "LAST_NAMES",
    "LOST_REASONS",
    "MESSAGES",
    "NOTES",
    "SEARCH_REFERRERS",
    "GenerateReport",
    "Person",
    "Placement",
    "RowWriter",
    "answers_for",
    "attribution_for",
    "backdate",
    "generate",
    "generate_impressions",
    "invent_person",
    "pick_placement",
    "reset_sequences",
    "reviewed_at",
    "seed_key",
    "sent_deliveries",
    "status_for",
    "status_log_entry",
    "submission_for",
    "typed_email",
]
