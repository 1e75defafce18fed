"""leads/models/: the lead tables keep only the indexes their queries use, and their keys."""

import pytest
from django.db import IntegrityError, connection, transaction

from leads.models import Contact, Delivery, Submission
from tests.factories import capture_lead, make_cta

pytestmark = pytest.mark.django_db

LEAD_TABLES = [Contact, Submission, Delivery]


def indexes(model):
    """{name: (columns, unique)} of the table's indexes, as the database reports them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: (tuple(info["columns"]), bool(info["unique"] or info["primary_key"]))
        for name, info in constraints.items()
        if info["index"] or info["unique"] or info["primary_key"]
    }


# Narrow indexes kept beside a wider one on purpose: the inbox lists submissions newest first by
# walking received_at's own index; given only the six-column analytics index, SQLite's planner
# sorts the whole review queue instead (the inbox's first page went from 52 to 423 ms at 300k).
KEPT_NARROW = {Submission: {("received_at",)}}


@pytest.mark.parametrize("model", LEAD_TABLES, ids=lambda model: model.__name__)
def test_every_lead_writes_no_index_that_another_makes_redundant(model):
    """No single-column index on the first column of a wider one, and no two on the same
    columns (on PostgreSQL, unique=True or db_index=True on a text field would add a
    varchar_pattern_ops twin for LIKE 'prefix%' queries, which nothing here runs)."""
    # A partial index (with a condition) is not a copy of the full one on the same columns.
    partial = {index.name for index in model._meta.indexes if index.condition is not None}
    # An expression index (the trigram search indexes on UPPER(name), ...) lists no columns:
    # it serves other queries than a column index and cannot be one's copy.
    by_name = {
        name: found for name, found in indexes(model).items() if name not in partial and found[0]
    }
    seen = {}
    for name, (columns, _) in sorted(by_name.items()):
        assert columns not in seen, f"{name} and {seen.get(columns)} index the same {columns}"
        seen[columns] = name
    for name, (columns, unique) in by_name.items():
        if len(columns) == 1 and not unique and columns not in KEPT_NARROW.get(model, ()):
            wider = [other for other, (cols, _) in by_name.items() if cols[:1] == columns != cols]
            assert not wider, f"{name} ({columns[0]}) is the first column of {wider}"


def test_the_idempotency_key_and_the_contact_email_stay_unique():
    stored = capture_lead(make_cta("quote"), email="ana@example.com").submission

    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            email="other@example.com",
            cta_kind=stored.cta_kind,
            cta_title="x",
            contact=stored.contact,
            idempotency_key=stored.idempotency_key,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(email="ana@example.com")
