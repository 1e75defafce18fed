"""Ids typed into the inbox's query string or posted with a bulk action: whatever they are
(too big for the database, negative, not a number), a form error the admin shows, never a 500,
on SQLite and PostgreSQL alike."""

import pytest

from leads.ids import MAX_ID, parse_id
from leads.models import Status
from tests.factories import make_article, make_user
from tests.leads.admin.test_inbox import BULK, INBOX, lead, messages_of

pytestmark = pytest.mark.django_db

# Past what SQLite can bind (2**63 - 1) and what PostgreSQL's bigint holds.
HUGE = "99999999999999999999999"
IMPOSSIBLE = [HUGE, str(MAX_ID + 1), "-1", "0", "1e5", "1.5", " 7 ", "٣", "abc"]


@pytest.fixture
def sales(client, db):
    user = make_user("sam", "Sales")
    client.force_login(user)
    return user


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_parse_id_refuses_what_cannot_be_an_id(value):
    assert parse_id(value) is None


def test_parse_id_reads_every_real_id():
    assert [parse_id(v) for v in ("1", "42", str(MAX_ID))] == [1, 42, MAX_ID]


@pytest.mark.parametrize("name", ["article", "cta"])
@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "-5"])
@pytest.mark.parametrize("view", [INBOX, INBOX + "results/"])
def test_impossible_id_in_an_inbox_filter_is_a_filter_error_not_a_500(
    client, sales, article_index, name, value, view
):
    queued = lead(page=make_article(article_index, "Pricing"))

    response = client.get(f"{view}?{name}={value}")

    assert response.status_code == 200
    if view == INBOX:  # the results fragment has no filter drawer to show the error in
        assert "Select a valid choice" in response.content.decode()
    # The list stays the review queue, as for any filter that does not validate.
    assert [row.pk for row in response.context["object_list"]] == [queued.pk]


def test_impossible_id_in_a_filter_does_not_break_the_export(client):
    exporter = make_user("ed", "Sales managers")
    client.force_login(exporter)
    lead()

    response = client.get(f"{INBOX}?article={HUGE}&export=csv")

    assert response.status_code == 200


@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "-1", "1e3"])
def test_impossible_id_in_a_bulk_action_changes_nothing_and_says_why(client, sales, value):
    kept = lead()

    response = client.post(BULK, {"ids": [str(kept.pk), value], "action": "qualify"})

    assert response.status_code == 302
    assert messages_of(response) == ["Some ticked leads no longer exist: reload the list."]
    kept.refresh_from_db()
    assert kept.status == Status.NEW


def test_impossible_owner_in_a_bulk_assign_is_refused(client, sales):
    kept = lead()

    response = client.post(BULK, {"ids": [str(kept.pk)], "action": "assign", "owner": HUGE})

    assert response.status_code == 400
    kept.refresh_from_db()
    assert kept.owner_id is None
