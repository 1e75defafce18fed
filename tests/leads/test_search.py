"""The inbox's text search (leads/search.py) on the database the suite runs on: what a search
finds, that the SQLite index follows every change to a submission, and that it comes back
after a migration rebuilt the submissions table."""

import pytest
from django.db import connection

from leads import search, services
from leads.models import Contact, Submission
from tests.factories import make_lead, make_user

pytestmark = pytest.mark.django_db


def found(query) -> set[int]:
    return set(search.matching(Submission.objects.all(), query).values_list("pk", flat=True))


def test_a_word_finds_the_submission_whose_message_holds_it():
    wanted = make_lead(name="Ana Lima", message="We need a Salesforce integration.")
    make_lead(name="Bob Stone", message="Call me back.")
    assert found("salesforce integr") == {wanted.pk}


def test_an_older_submission_is_found_by_the_company_it_named_then():
    first = make_lead(email="ana@acme.example", name="Ana Lima", company="Globex")
    second = make_lead(email="ana@acme.example", name="Ana Lima", company="Initech")
    assert Contact.objects.get().company == "Initech"
    assert found("globex") == {first.pk}
    # The contact's latest company finds every submission of theirs, the older one included.
    assert found("initech") == {first.pk, second.pk}


def test_case_and_accents_beyond_ascii_match_in_any_case():
    wanted = make_lead(name="Ümit Öztürk", company="Çelik Ltd")
    assert found("ÖZTÜRK") == found("öztürk") == {wanted.pk}


@pytest.mark.parametrize("query", ['"', 'ana" OR "b', "NEAR(ana b)", "an*", "ana AND", "(ana"])
def test_search_syntax_is_taken_as_plain_letters(query):
    make_lead(name="Ana Lima")
    assert found(query) == set()


@pytest.mark.parametrize("query", ["\x00", "ana\x00lima", "\x1b[31m", "\ud800"])
def test_control_characters_find_nothing_and_break_nothing(query):
    make_lead(name="Ana Lima")
    assert found(query) == set()


def test_a_two_letter_word_finds_contacts_by_name():
    wanted = make_lead(name="Bo Li", email="bo@li.example")
    make_lead(name="Ana Lima", message="Ask Bo about it")  # "bo" only in the answers: unread
    assert found("bo") == {wanted.pk}


def test_a_changed_answer_is_found_by_its_new_words_only():
    submission = make_lead(name="Ana Lima", message="Old words here")
    submission.answers = submission.answers | {"message": "Brand new phrasing"}
    submission.save(update_fields=["answers"])
    assert found("old words") == set()
    assert found("new phrasing") == {submission.pk}


def test_a_deleted_submission_is_no_longer_found():
    submission = make_lead(name="Ana Lima", message="Distinctive words")
    Submission.objects.filter(pk=submission.pk).delete()
    assert found("distinctive") == set()


def test_an_erased_person_is_no_longer_found_by_their_words():
    make_lead(email="ana@acme.example", name="Ana Lima", message="Quarterly forecast")
    services.person_erase(email="ana@acme.example", by=make_user("dpo"))
    assert found("lima") == found("forecast") == found("ana@acme") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite index's triggers")
def test_after_a_migration_rebuilt_the_table_the_index_catches_up():
    # Django's SQLite migrations rebuild a table they alter; the rebuilt one has no triggers.
    with connection.cursor() as cursor:
        for index in search.SQLITE_INDEXES:
            for name in index.triggers:
                cursor.execute(f"DROP TRIGGER {name}")
    missed = make_lead(email="ana@acme.example", name="Ana Lima", message="Arrived meanwhile")
    assert found("meanwhile") == found("acme") == set()
    # What `migrate` runs at its end:
    assert search.ensure_sqlite_indexes(connection) == [
        "leads_contact_search",
        "leads_submission_search",
    ]
    assert found("meanwhile") == found("acme") == {missed.pk}
    assert search.ensure_sqlite_indexes(connection) == []  # nothing to do twice
    later = make_lead(email="bob@initech.example", name="Bob Stone", message="After the repair")
    assert found("repair") == found("initech") == {later.pk}
