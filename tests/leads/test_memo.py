"""Per-process memos (leads/memo.py): an expired value is read again, and served as it was while
the database cannot be reached, so that the lead form can still be built during an outage."""

import pytest
from django.db import OperationalError, ProgrammingError

from leads.memo import Memo


def database_down():
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def test_a_value_is_read_once_until_it_expires():
    memo = Memo(ttl_seconds=60)
    reads = []

    assert memo.get("cta", lambda: reads.append(1) or "first") == "first"
    assert memo.get("cta", lambda: reads.append(1) or "second") == "first"
    assert reads == [1]


def test_an_expired_value_is_read_again():
    memo = Memo(ttl_seconds=0)
    memo.get("cta", lambda: "first")

    assert memo.get("cta", lambda: "second") == "second"


def test_an_expired_value_is_served_while_the_database_is_down():
    memo = Memo(ttl_seconds=0)
    memo.get("cta", lambda: "first")

    assert memo.get("cta", database_down) == "first"
    assert memo.get("cta", lambda: "second") == "second"  # read again once it is back


def test_with_nothing_read_before_the_outage_is_raised():
    memo = Memo(ttl_seconds=0)

    with pytest.raises(OperationalError):
        memo.get("cta", database_down)


def test_other_database_errors_are_not_hidden_by_an_old_value():
    memo = Memo(ttl_seconds=0)
    memo.get("cta", lambda: "first")

    def broken_query():
        raise ProgrammingError('relation "leads_calltoaction" does not exist')

    with pytest.raises(ProgrammingError):
        memo.get("cta", broken_query)
