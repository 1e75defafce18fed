"""Privacy tools: find, export (leads/privacy.py) and erase (leads/services/erasure.py)
everything held about an email address, from the admin (sales managers only,
leads/admin/privacy.py) and from the command line (`manage.py lead_data`).

Erasure is proved by searching every column of every table of the database for the person's
email, name and phone afterwards, in any case.
"""

import collections
import contextlib
import datetime
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from leads import privacy, services
from leads.capture.attribution import Attribution, Touch
from leads.models import (
    Contact,
    Delivery,
    DownloadEvent,
    Note,
    Status,
    Submission,
    Subscription,
    Suppression,
    email_digest,
)
from tests.factories import GROUPS, capture_lead, log_in, make_cta, make_user

pytestmark = pytest.mark.django_db

EMAIL = "ilse.vandermeer@vdm.example"
NAME = "Ilse Vandermeer"
PHONE = "+31 20 555 0199"
OTHER = "bob.other@elsewhere.example"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def manager(db):
    return make_user("manager", GROUPS["manager"])


@pytest.fixture
def people(manager):
    """Ilse, who answered three CTAs (one quarantined as spam) and has a history with sales,
    and Bob, who must come out of her erasure untouched. Follow-up is queued in the database,
    as in production."""
    seller = make_user("sales", GROUPS["sales"])
    with override_settings(TASKS=DATABASE_QUEUE):
        quote = capture_lead(
            make_cta("quote"),
            nonce="q",
            email="Ilse.Vandermeer@VDM.example",  # as typed
            name=NAME,
            phone=PHONE,
            company="Vandermeer BV",
            message=f"Call me on {PHONE}.",
        ).submission
        download = capture_lead(make_cta("download"), nonce="d", email=EMAIL, name=NAME)
        capture_lead(make_cta("newsletter"), nonce="n", email=EMAIL)
        spam = capture_lead(
            make_cta("quote"),
            nonce="s",
            email="ILSE.VANDERMEER@vdm.example",
            name=NAME,
            spam_reasons=["honeypot filled in"],
        ).submission
        bob = capture_lead(make_cta("quote"), nonce="b", email=OTHER, name="Bob Other")
    services.download_record(submission=download.submission)
    ilse = Contact.objects.get(email=EMAIL)
    services.note_add(contact=ilse, text=f"Spoke to {NAME}: write to {EMAIL}.", by=seller)
    services.submission_assign(submission=quote, owner=seller, by=manager)
    services.submission_set_status(
        submission=quote, to=Status.DISQUALIFIED, by=manager, reason=f"{NAME} has no budget"
    )
    services.note_add(contact=bob.submission.contact, text="Bob prefers calls.", by=seller)
    # Her address bounced once: suppressed.
    Suppression.objects.create(email=EMAIL, digest=email_digest(EMAIL), reason="bounce")
    services.submission_assign(submission=bob.submission, owner=seller, by=manager)
    # A failed send whose error quoted the address, as SMTP errors do.
    ilse_deliveries = set(
        Delivery.objects.filter(submission=quote)
        .exclude(kind="assignment")  # the assignment notice went in a task of its own
        .values_list("pk", flat=True)
    )
    for task in DBTaskResult.objects.filter(task_path="leads.tasks.deliver_follow_up"):
        if set(task.args_kwargs["args"][0]) == ilse_deliveries:
            task.traceback = f"SMTPRecipientsRefused: {{'{EMAIL}': (550, 'no such user')}}"
            task.save()
    return {"ilse": ilse, "quote": quote, "spam": spam, "bob": bob.submission}


def columns_mentioning(text: str) -> list[str]:
    """Every table.column of the database holding this text, in any case: each table read
    whole (a test database is small), each value compared as text."""
    quote = connection.ops.quote_name
    needle = text.lower()
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - introspected name
            names = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for name, value in zip(names, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    if needle in str(value).lower():
                        found.add(f"{table}.{name}")
    return sorted(found)


def history_of(instance) -> list:
    return list(ModelLogEntry.objects.for_instance(instance).values_list("action", "data"))


def anonymous_counts():
    """What analytics counts: submissions per day, CTA, page, status and campaign."""
    return collections.Counter(
        (s.received_at.date(), s.cta_id, s.page_id, s.status, s.utm_source, s.utm_campaign)
        for s in Submission.objects.all()
    )


# Erasure ------------------------------------------------------------------------------------


def test_the_scan_sees_every_table_and_finds_the_person_before_erasure(people):
    tables = set(connection.introspection.table_names())
    models = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert models <= tables
    found = columns_mentioning(EMAIL)
    for column in (
        "leads_contact.email",
        "leads_submission.email",
        "leads_submission.answers",
        "leads_note.text",
        f"{DBTaskResult._meta.db_table}.traceback",
    ):
        assert column in found
    assert "wagtailcore_modellogentry.data" in columns_mentioning(NAME)


def test_after_erasure_no_table_holds_the_email_name_or_phone(people, manager):
    services.person_erase(email=EMAIL, by=manager)

    for text in (EMAIL, NAME, PHONE):
        assert columns_mentioning(text) == [], text


def test_an_erased_persons_address_stays_suppressed_by_its_digest(people, manager):
    services.person_erase(email=EMAIL, by=manager)

    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.digest) == ("", email_digest(EMAIL))


def test_erasure_keeps_the_anonymous_counts_analytics_needs(people, manager):
    counts_before = anonymous_counts()
    total = Submission.objects.count()

    services.person_erase(email=EMAIL, by=manager)

    assert Submission.objects.count() == total
    assert anonymous_counts() == counts_before
    assert Submission.objects.live().count() == 1  # Bob's


def test_erased_submissions_are_scrubbed_in_place(people, manager):
    services.person_erase(email=EMAIL, by=manager)

    quote = Submission.objects.get(pk=people["quote"].pk)
    assert quote.erased_at is not None
    assert (quote.email, quote.answers, quote.contact, quote.owner) == ("", {}, None, None)
    assert quote.status == Status.DISQUALIFIED  # the count by status stays right
    assert quote.status_reason == "erased"  # no staff-typed words about the person
    assert (quote.received_at.hour, quote.received_at.minute) == (0, 0)
    assert quote.consent_id is not None  # the wording shown is not personal


def test_quarantined_submissions_with_the_email_in_any_case_are_erased(people, manager):
    services.person_erase(email=EMAIL, by=manager)

    spam = Submission.objects.get(pk=people["spam"].pk)
    assert spam.erased_at is not None
    assert (spam.email, spam.answers, spam.spam_reasons) == ("", {}, [])


def test_contact_notes_subscriptions_deliveries_downloads_and_task_rows_are_deleted(
    people, manager
):
    ilse = people["ilse"]
    follow_up = DBTaskResult.objects.filter(task_path__startswith="leads.tasks.deliver")
    assert follow_up.count() == 4  # one per accepted lead: 3 of Ilse's, 1 of Bob's

    services.person_erase(email=EMAIL, by=manager)

    assert not Contact.objects.filter(pk=ilse.pk).exists()
    assert not Note.objects.filter(contact_id=ilse.pk).exists()
    assert not Subscription.objects.exists()
    assert not DownloadEvent.objects.exists()
    assert set(Delivery.objects.values_list("submission_id", flat=True)) == {people["bob"].pk}
    assert follow_up.count() == 1  # Bob's


def test_another_persons_data_is_untouched(people, manager):
    bob = people["bob"]
    before = (bob.answers, bob.email, bob.contact_id, bob.owner_id, bob.received_at)
    history_before = history_of(bob) + history_of(bob.contact)

    services.person_erase(email=EMAIL, by=manager)

    bob.refresh_from_db()
    assert (bob.answers, bob.email, bob.contact_id, bob.owner_id, bob.received_at) == before
    assert bob.contact.notes.get().text == "Bob prefers calls."
    assert bob.deliveries.count() == 3  # notification, confirmation, assignment notice
    assert history_of(bob) + history_of(bob.contact) == history_before


def test_the_history_records_that_an_erasure_happened_and_by_whom_only(people, manager):
    services.person_erase(email=EMAIL, by=manager)

    entries = ModelLogEntry.objects.filter(action="leads.erase")
    erased = set(Submission.objects.exclude(erased_at=None).values_list("pk", flat=True))
    assert {int(e.object_id) for e in entries} == erased
    for entry in entries:
        assert entry.label == f"Submission #{entry.object_id}"
        assert entry.data == {"cause": "request"}
        assert entry.user == manager
    # Nothing else is left in the erased submissions' history.
    for submission in Submission.objects.filter(pk__in=erased):
        assert [action for action, _ in history_of(submission)] == ["leads.erase"]


def test_erasing_twice_or_an_unknown_address_does_nothing(people, manager):
    services.person_erase(email=EMAIL, by=manager)
    snapshot = list(Submission.objects.values())

    counts = services.person_erase(email=EMAIL, by=manager)
    services.person_erase(email="nobody@nowhere.example", by=manager)

    assert set(counts.values()) == {0}
    assert list(Submission.objects.values()) == snapshot


def capture_from(url: str, email: str = EMAIL):
    """A lead posted from this page, UTM parameters and all (its last touch)."""
    return services.submission_capture(
        cta=make_cta("quote"),
        answers={"email": email, "name": NAME},
        consent_given=True,
        consent_version="",
        attribution=Attribution(first=Touch.from_urls(url, ""), last=Touch.from_urls(url, "")),
        nonce=url,
        spam_reasons=[],
    ).submission


@pytest.mark.parametrize(
    "value",
    [
        "ilse.vandermeer%40vdm.example",  # the browser's encoding: stored as "...@..."
        "ilse.vandermeer%2540vdm.example",  # encoded twice: stored as "...%40..."
        "ilse.vandermeer%26%2364%3Bvdm.example",  # an HTML entity, &#64;
        "ilse.vandermeer%EF%BC%A0vdm.example",  # the full-width at sign
        "%40ilse_vdm",  # a handle
    ],
)
def test_erasure_clears_campaign_values_that_name_someone(manager, value):
    url = f"http://testserver/posts/a/?utm_source={value}&utm_medium={value}&utm_campaign={value}"
    submission = capture_from(url)
    assert submission.utm_source  # stored as the visitor sent it

    services.person_erase(email=EMAIL, by=manager)

    submission.refresh_from_db()
    assert (submission.utm_source, submission.utm_medium, submission.utm_campaign) == ("", "", "")


def test_erasure_keeps_campaign_values_that_name_no_one(manager):
    url = "http://testserver/posts/a/?utm_source=linkedin&utm_medium=cpc&utm_campaign=spring-2026"
    submission = capture_from(url)

    services.person_erase(email=EMAIL, by=manager)

    submission.refresh_from_db()
    assert (submission.utm_source, submission.utm_medium, submission.utm_campaign) == (
        "linkedin",
        "cpc",
        "spring-2026",
    )


# Run by `manage.py shell` on a copy of the test database: a lead, a note, then the erasure,
# each committed as on a live site (a test's own transaction never reaches the files).
ERASE_IN_A_PROCESS = """
from django.contrib.auth import get_user_model
from leads import services
from leads.models import Contact
from tests.factories import capture_lead, make_cta
marker = "{marker}"
capture_lead(make_cta("quote"), email=marker + "@vdm.example", name=marker, message=marker)
staff = get_user_model().objects.create_user("staff")
services.note_add(contact=Contact.objects.get(), text="Call " + marker, by=staff)
services.person_erase(email=marker + "@vdm.example", by=staff)
"""


def test_after_erasure_the_sqlite_files_hold_no_copy_of_the_data(db, tmp_path):
    """Deleted rows stay readable in an SQLite file (free space in pages, the write-ahead log)
    unless the erasure overwrites them and checkpoints the log: read the files' bytes."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's files only; PostgreSQL's residue is documented in docs/leads.md")
    path = tmp_path / "site.sqlite3"
    with sqlite3.connect(connection.settings_dict["NAME"]) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # the migrated database, as committed
    marker = f"residue{uuid.uuid4().hex}"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "leadsite.settings.test",
    }

    # Another process of the site has the database open, as on a live site: the erasing one is
    # not the last to close it, so SQLite does not fold the log into the file on its way out.
    with contextlib.closing(sqlite3.connect(path)) as other_process:
        other_process.execute("SELECT count(*) FROM sqlite_master").fetchall()
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", ERASE_IN_A_PROCESS.format(marker=marker)],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=120,
        )
        files = [path, path.with_name(path.name + "-wal")]
        held = b"".join(file.read_bytes() for file in files if file.exists())

    assert marker.encode() not in held


# Find and export ---------------------------------------------------------------------------


def test_find_matches_any_case_and_surrounding_spaces(people):
    data = privacy.find("  ILSE.vandermeer@vdm.EXAMPLE ")

    assert data.contact == people["ilse"]
    counts = data.counts()
    assert counts["submissions"] == 4
    assert counts["quarantined submissions"] == 1
    assert counts["notes"] == 1
    assert counts["newsletter subscriptions"] == 1
    assert counts["downloads"] == 1
    assert counts["task-queue records"] == 3
    assert counts["audit-log entries"] >= 3  # note, assignment, status change


def test_export_holds_everything_with_iso_dates(people):
    exported = privacy.export(f" {EMAIL.upper()} ")

    assert json.loads(json.dumps(exported)) == exported  # plain JSON
    assert exported["email"] == EMAIL
    assert exported["contact"]["name"] == NAME
    assert exported["contact"]["phone"] == PHONE
    datetime.datetime.fromisoformat(exported["contact"]["first_seen"])
    assert [n["text"] for n in exported["notes"]] == [f"Spoke to {NAME}: write to {EMAIL}."]
    assert exported["newsletter_subscriptions"][0]["status"] == "pending"
    submissions = {s["id"]: s for s in exported["submissions"]}
    assert len(submissions) == 4
    quote = submissions[people["quote"].pk]
    assert quote["email_as_given"] == "Ilse.Vandermeer@VDM.example"
    assert quote["answers"]["message"] == f"Call me on {PHONE}."
    assert quote["consent"]["given"] is True
    assert quote["consent"]["text_shown"] == people["quote"].consent.text
    assert quote["status"] == "disqualified"
    assert quote["status_reason"] == f"{NAME} has no budget"
    assert {"utm_source", "referrer", "first_touch"} <= set(quote["attribution"])
    assert {d["kind"] for d in quote["emails_and_webhooks"]} == {
        "notification",
        "confirmation",
        "assignment",
    }
    assert submissions[people["spam"].pk]["spam_reasons"] == ["honeypot filled in"]
    assert sum(len(s["downloads"]) for s in exported["submissions"]) == 1
    actions = {entry["action"] for entry in exported["history"]}
    assert {"leads.note_add", "leads.assign", "leads.status_change"} <= actions


def test_export_of_an_unknown_address_is_empty(db):
    exported = privacy.export("nobody@nowhere.example")

    assert exported["contact"] is None
    assert exported["submissions"] == exported["notes"] == exported["history"] == []


# Commands ----------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("lead_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_find_command_prints_counts_and_ids_but_no_personal_data(people):
    output = run("find", EMAIL.upper())

    assert "submissions: 4" in output
    assert f"Contact #{people['ilse'].pk}" in output
    for text in (EMAIL, NAME, PHONE):
        assert text.lower() not in output.lower()


def test_export_command_writes_the_json_to_a_file(people, tmp_path):
    target = tmp_path / "export.json"

    output = run("export", EMAIL, "-o", str(target))

    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["contact"]["name"] == NAME
    assert len(exported["submissions"]) == 4
    assert EMAIL not in output


def test_erase_command_with_yes_erases(people):
    output = run("erase", EMAIL, "--yes")

    assert "Erased" in output
    assert EMAIL not in output.lower()
    assert not Contact.objects.filter(email=EMAIL).exists()
    assert privacy.find(EMAIL).is_empty


def test_erase_command_without_yes_and_without_a_terminal_erases_nothing(people):
    with pytest.raises(CommandError, match="--yes"):
        run("erase", EMAIL)

    assert Contact.objects.filter(email=EMAIL).exists()


# Admin -------------------------------------------------------------------------------------

PRIVACY = "/admin/leads/privacy/"


@pytest.mark.parametrize("role", ["sales", "editor", "moderator"])
def test_privacy_tools_refuse_everyone_but_managers(client, people, role):
    log_in(client, role, username=f"visiting-{role}")

    for response in (
        client.get(PRIVACY),
        client.post(PRIVACY, {"action": "find", "email": EMAIL}),
        client.post(PRIVACY, {"action": "erase", "email": EMAIL, "confirm_email": EMAIL}),
    ):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    assert Contact.objects.filter(email=EMAIL).exists()
    assert reverse("leads_privacy") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(PRIVACY)

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_managers_see_the_privacy_tools_in_the_leads_menu(client, manager):
    client.force_login(manager)

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("leads_privacy") in dashboard
    assert client.get(PRIVACY).status_code == 200


def test_finding_shows_what_is_held_with_the_email_only_in_the_post(client, manager, people):
    client.force_login(manager)

    response = client.post(PRIVACY, {"action": "find", "email": EMAIL.upper()})

    page = response.content.decode()
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == PRIVACY
    assert not response.request.get("QUERY_STRING")
    assert "Download JSON" in page
    assert f"Submission #{people['quote'].pk}" in page
    assert EMAIL.lower() not in page.split("<title>")[1].split("</title>")[0].lower()


def test_download_json_is_an_attachment_named_without_the_email(client, manager, people):
    client.force_login(manager)

    response = client.post(PRIVACY, {"action": "export", "email": EMAIL})

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="lead-data-')
    assert "ilse" not in response["Content-Disposition"].lower()
    assert json.loads(response.content)["contact"]["name"] == NAME


def test_erasing_asks_to_type_the_email_again(client, manager, people):
    client.force_login(manager)

    confirm = client.post(PRIVACY, {"action": "confirm", "email": EMAIL})
    wrong = client.post(
        PRIVACY, {"action": "erase", "email": EMAIL, "confirm_email": "someone@else.example"}
    )

    assert "Type the email address again to confirm" in confirm.content.decode()
    assert wrong.status_code == 400
    assert "This is not the same address." in wrong.content.decode()
    assert Contact.objects.filter(email=EMAIL).exists()


def test_erasing_from_the_admin_reports_counts_without_the_email(client, manager, people):
    client.force_login(manager)

    response = client.post(
        PRIVACY,
        {"action": "erase", "email": EMAIL, "confirm_email": f" {EMAIL.upper()} "},
        follow=True,
    )

    assert [url for url, _ in response.redirect_chain] == [PRIVACY]
    page = response.content.decode()
    assert "Erased: 1 contacts, 4 submissions" in page
    assert EMAIL not in page.lower()
    assert privacy.find(EMAIL).is_empty
    assert ModelLogEntry.objects.filter(action="leads.erase", user=manager).count() == 4
    assert columns_mentioning(EMAIL) == []


def test_privacy_forms_are_csrf_protected(manager, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    response = client.post(PRIVACY, {"action": "erase", "email": EMAIL, "confirm_email": EMAIL})

    assert response.status_code == 403
    assert Contact.objects.filter(email=EMAIL).exists()


def test_the_queue_rows_searched_are_those_of_the_delivery_tasks():
    """privacy.py names the delivery tasks by path (services never import the tasks)."""
    from leads.tasks import deliver, deliver_follow_up

    assert set(privacy.DELIVERY_TASK_PATHS) == {deliver.module_path, deliver_follow_up.module_path}
