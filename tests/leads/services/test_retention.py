"""The retention policy (leads/services/erasure.py, `manage.py apply_retention`): submissions
kept longer than their status allows are erased (the same scrub as an erasure on request), then
the contacts no live submission keeps are deleted."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from leads import privacy, services
from leads.models import Contact, Delivery, Note, Status, Submission
from tests.factories import make_lead, make_user

pytestmark = pytest.mark.django_db

POLICY = "spam=90,disqualified=90,default=1095"


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def lead(email: str, *, received_days_ago: int, status=Status.NEW, changed_days_ago=None):
    """A submission received that long ago, in that status (changed that long ago)."""
    spam = ["honeypot filled in"] if status == Status.SPAM else []
    submission = make_lead(email=email, spam_reasons=spam)
    if status not in (Status.NEW, Status.SPAM):
        reviewer = reviewer_user()
        for step in path_to(status):
            services.submission_set_status(
                submission=submission, to=step, by=reviewer, reason="No budget this year"
            )
    # Test setup: move the lead back in time.
    Submission.objects.filter(pk=submission.pk).update(
        received_at=days_ago(received_days_ago),
        status_changed_at=days_ago(changed_days_ago) if changed_days_ago is not None else None,
    )
    submission.refresh_from_db()
    return submission


def path_to(status):
    return {
        Status.DISQUALIFIED: [Status.DISQUALIFIED],
        Status.QUALIFIED: [Status.QUALIFIED],
        Status.WON: [Status.QUALIFIED, Status.HANDED_OFF, Status.WON],
    }[status]


def reviewer_user():
    reviewer = get_user_model().objects.filter(username="reviewer").first()
    return reviewer or make_user("reviewer", "Sales managers")


@pytest.fixture
def leads(db):
    """One submission per case, each from a different person (plus one with two)."""
    return {
        "old_spam": lead("old.spam@x.example", received_days_ago=100, status=Status.SPAM),
        "new_spam": lead("new.spam@x.example", received_days_ago=10, status=Status.SPAM),
        "old_disqualified": lead(
            "dq.old@x.example",
            received_days_ago=200,
            status=Status.DISQUALIFIED,
            changed_days_ago=100,
        ),
        "recently_disqualified": lead(
            "dq.recent@x.example",
            received_days_ago=200,
            status=Status.DISQUALIFIED,
            changed_days_ago=10,
        ),
        "open_100_days": lead("open@x.example", received_days_ago=100),
        "won_4_years": lead(
            "won@x.example", received_days_ago=1500, status=Status.WON, changed_days_ago=1400
        ),
        "won_2_years": lead(
            "won.recent@x.example",
            received_days_ago=800,
            status=Status.WON,
            changed_days_ago=700,
        ),
        "repeat_old": lead("repeat@x.example", received_days_ago=1200),
        "repeat_new": lead("repeat@x.example", received_days_ago=5),
    }


EXPIRED = {"old_spam", "old_disqualified", "won_4_years", "repeat_old"}


def run(*args) -> str:
    out = io.StringIO()
    with override_settings(LEAD_RETENTION_DAYS=POLICY):
        call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def erased(leads) -> set[str]:
    ids = set(Submission.objects.exclude(erased_at=None).values_list("pk", flat=True))
    return {name for name, submission in leads.items() if submission.pk in ids}


# Policy ------------------------------------------------------------------------------------


def test_policy_is_read_per_status_with_a_default():
    assert privacy.parse_retention(POLICY) == {"spam": 90, "disqualified": 90, "default": 1095}
    assert privacy.parse_retention("off") == {}


@pytest.mark.parametrize(
    "value", ["spam=90,junk=5", "spam=ninety", "spam=0", "spam:90", "default=-1"]
)
def test_unreadable_policy_fails_with_a_clear_error(value):
    with pytest.raises(ImproperlyConfigured, match="LEAD_RETENTION_DAYS"):
        privacy.parse_retention(value)


# Applying it -------------------------------------------------------------------------------


def test_submissions_past_their_status_period_are_erased_and_no_others(leads):
    run()

    assert erased(leads) == EXPIRED


def test_disqualified_leads_count_from_the_decision_not_the_form(leads):
    run()

    assert "old_disqualified" in erased(leads)
    assert "recently_disqualified" not in erased(leads)


def test_expired_submissions_are_scrubbed_like_an_erasure(leads):
    run()

    spam = Submission.objects.get(pk=leads["old_spam"].pk)
    assert (spam.email, spam.answers, spam.contact_id) == ("", {}, None)
    won = Submission.objects.get(pk=leads["won_4_years"].pk)
    assert not Delivery.objects.filter(submission=won).exists()
    assert won.status == Status.WON  # still counted as a win
    entry = ModelLogEntry.objects.for_instance(won).get()
    assert (entry.action, entry.data, entry.user) == ("leads.erase", {"cause": "retention"}, None)


def test_contacts_left_without_a_live_submission_are_deleted_with_their_notes(leads):
    won_contact = leads["won_4_years"].contact
    services.note_add(contact=won_contact, text="Signed in 2021.", by=reviewer_user())

    run()

    assert not Contact.objects.filter(email="won@x.example").exists()
    assert not Note.objects.filter(contact_id=won_contact.pk).exists()
    assert not Contact.objects.filter(email="dq.old@x.example").exists()
    # A newer submission keeps its person.
    assert Contact.objects.filter(email="repeat@x.example").exists()
    assert Contact.objects.filter(email="open@x.example").exists()


def test_output_counts_per_status_and_names_no_one(leads):
    output = run()

    assert "Erased 4 submission(s):" in output
    assert "Spam (quarantined): 1" in output
    assert "Disqualified: 1" in output
    assert "Won: 1" in output
    assert "New: 1" in output
    assert "Erased 2 contact(s)" in output
    assert "@" not in output


def test_dry_run_reports_the_same_counts_and_changes_nothing(leads):
    submissions_before = list(Submission.objects.order_by("pk").values())
    contacts_before = list(Contact.objects.order_by("pk").values())
    log_before = ModelLogEntry.objects.count()

    preview = run("--dry-run")

    assert list(Submission.objects.order_by("pk").values()) == submissions_before
    assert list(Contact.objects.order_by("pk").values()) == contacts_before
    assert ModelLogEntry.objects.count() == log_before
    assert "Would erase 4 submission(s):" in preview
    assert "Would erase 2 contact(s)" in preview
    assert run().replace("Erased", "Would erase") == preview


def test_a_second_run_erases_nothing(leads):
    run()
    snapshot = list(Submission.objects.order_by("pk").values())

    output = run()

    assert "Erased 0 submission(s):" in output
    assert "Erased 0 contact(s)" in output
    assert list(Submission.objects.order_by("pk").values()) == snapshot


def test_no_policy_erases_nothing(leads):
    out = io.StringIO()
    with override_settings(LEAD_RETENTION_DAYS="off"):
        call_command("apply_retention", stdout=out)

    assert "nothing erased" in out.getvalue()
    assert not erased(leads)
