"""The write rules in leads/services/: the review workflow, release, contacts, idempotency,
bulk review, assignment and notes; and the services' place in the flow."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from leads import services
from leads.models import Contact, Delivery, Status, Submission
from tests.factories import capture_lead, make_cta, make_lead, make_user

pytestmark = pytest.mark.django_db

# The review workflow, stated here rather than read from services.TRANSITIONS: status -> the
# statuses a reviewer may move it to. Spam back to new is a release, tested on its own below.
WORKFLOW = {
    Status.NEW: {Status.IN_REVIEW, Status.QUALIFIED, Status.DISQUALIFIED, Status.SPAM},
    Status.IN_REVIEW: {Status.QUALIFIED, Status.DISQUALIFIED, Status.SPAM},
    Status.QUALIFIED: {Status.HANDED_OFF, Status.DISQUALIFIED},
    Status.DISQUALIFIED: {Status.IN_REVIEW},
    Status.HANDED_OFF: {Status.WON, Status.LOST},
    Status.WON: set(),
    Status.LOST: set(),
    Status.SPAM: {Status.NEW},
}
ALLOWED = [
    (start, to)
    for start, targets in WORKFLOW.items()
    for to in sorted(targets)
    if (start, to) != (Status.SPAM, Status.NEW)  # a release, tested below
]
REFUSED = [
    (start, to) for start in Status.values for to in Status.values if to not in WORKFLOW[start]
]


@pytest.fixture
def reviewer(db):
    return make_user("reviewer")


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_status_change_allowed_by_transitions_is_made(start, to, reviewer):
    submission = make_lead(status=start)

    services.submission_set_status(submission=submission, to=to, by=reviewer, reason="checked")

    submission.refresh_from_db()
    assert submission.status == to
    assert submission.status_changed_at is not None


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_status_change_not_in_transitions_is_refused(start, to, reviewer):
    submission = make_lead(status=start)

    with pytest.raises(ValidationError):
        services.submission_set_status(submission=submission, to=to, by=reviewer, reason="x")

    submission.refresh_from_db()
    assert submission.status == start


@pytest.mark.parametrize("reason", ["", "   "])
def test_disqualifying_requires_a_reason(reason, reviewer):
    submission = make_lead()

    with pytest.raises(ValidationError):
        services.submission_set_status(
            submission=submission, to=Status.DISQUALIFIED, by=reviewer, reason=reason
        )

    submission.refresh_from_db()
    assert submission.status == Status.NEW


def test_status_change_is_logged_with_from_to_and_reason(reviewer):
    submission = make_lead()

    services.submission_set_status(
        submission=submission, to=Status.DISQUALIFIED, by=reviewer, reason=" Student project "
    )

    entry = ModelLogEntry.objects.for_instance(submission).get(action="leads.status_change")
    assert entry.user == reviewer
    assert entry.data == {"from": "new", "to": "disqualified", "reason": "Student project"}


def test_status_change_log_label_carries_no_personal_data(reviewer):
    submission = make_lead(
        status=Status.NEW,
        name="Zoë Quartermaine",
        email="zoe.q@quartermaine.example",
        company="Qcorp",
    )

    services.submission_set_status(submission=submission, to=Status.IN_REVIEW, by=reviewer)

    entry = ModelLogEntry.objects.for_instance(submission).get(action="leads.status_change")
    for personal in ("Zoë", "Quartermaine", "zoe.q", "Qcorp"):
        assert personal.lower() not in entry.label.lower()
    assert entry.label == f"Submission #{submission.pk}"


def test_refused_status_change_is_not_logged(reviewer):
    submission = make_lead(status=Status.WON)

    with pytest.raises(ValidationError):
        services.submission_set_status(submission=submission, to=Status.NEW, by=reviewer)

    assert not ModelLogEntry.objects.for_instance(submission).exists()


def test_setting_a_quarantined_submission_back_to_new_releases_it(reviewer):
    submission = capture_lead(make_cta("quote"), spam_reasons=["honeypot filled in"]).submission

    services.submission_set_status(submission=submission, to=Status.NEW, by=reviewer)

    submission.refresh_from_db()
    assert submission.status == Status.NEW
    assert submission.contact.email == "ana@acme.example"
    assert submission.deliveries.exists()


def test_release_of_quarantined_submission_attaches_contact_and_follow_up(reviewer):
    submission = capture_lead(make_cta("quote"), spam_reasons=["honeypot filled in"]).submission

    services.submission_release(submission=submission, by=reviewer)

    submission.refresh_from_db()
    assert submission.status == Status.NEW
    assert submission.contact.email == "ana@acme.example"
    assert set(submission.deliveries.values_list("kind", flat=True)) == {
        "notification",
        "confirmation",
    }
    entry = ModelLogEntry.objects.for_instance(submission).get(action="leads.status_change")
    assert (entry.data["from"], entry.data["to"]) == ("spam", "new")


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.SPAM])
def test_release_is_refused_unless_quarantined(status, reviewer):
    submission = make_lead(status=status)

    with pytest.raises(ValidationError):
        services.submission_release(submission=submission, by=reviewer)

    submission.refresh_from_db()
    assert submission.status == status


def test_contact_keeps_details_as_last_given():
    cta = make_cta("quote")
    capture_lead(cta, nonce="first", name="Ana Lima", company="Acme", phone="+44 20 7946 0000")
    capture_lead(
        cta, nonce="second", name="Ana Lima-Souza", company="Acme Group", phone="+1 555 0100"
    )

    contact = Contact.objects.get()
    assert (contact.name, contact.company, contact.phone) == (
        "Ana Lima-Souza",
        "Acme Group",
        "+1 555 0100",
    )


def test_contact_detail_is_not_blanked_by_an_empty_answer():
    cta = make_cta("quote")
    capture_lead(cta, nonce="first", name="Ana Lima", company="Acme", phone="+44 20 7946 0000")
    capture_lead(cta, nonce="second", name="Ana Lima", company="Acme", phone="")
    capture_lead(make_cta("newsletter"), nonce="third")  # asks for the email only

    contact = Contact.objects.get()
    assert (contact.name, contact.company, contact.phone) == (
        "Ana Lima",
        "Acme",
        "+44 20 7946 0000",
    )


def test_contact_is_found_by_normalised_email():
    cta = make_cta("quote")
    capture_lead(cta, nonce="first", email="ana@acme.example")
    capture_lead(cta, nonce="second", email="ANA@Acme.Example")

    assert Contact.objects.get().email == "ana@acme.example"
    assert Submission.objects.count() == 2


def test_same_render_and_same_answers_store_one_submission():
    cta = make_cta("quote")

    first = capture_lead(cta, nonce="render-1")
    second = capture_lead(cta, nonce="render-1")

    assert (first.created, second.created) == (True, False)
    assert second.submission.pk == first.submission.pk
    assert Submission.objects.count() == 1
    assert Delivery.objects.count() == len(first.deliveries)


def test_same_render_with_different_answers_stores_two_submissions():
    cta = make_cta("quote")

    first = capture_lead(cta, nonce="render-1", name="Ana Lima")
    second = capture_lead(cta, nonce="render-1", name="Bea Lima")

    assert second.created is True
    assert second.submission.pk != first.submission.pk


# Bulk review, assignment and notes ---------------------------------------------------------


def test_bulk_status_change_moves_the_allowed_and_reports_the_refused(reviewer):
    fresh = make_lead()
    won = make_lead(status=Status.WON, email="won@acme.example")

    result = services.submissions_set_status(
        submissions=[fresh, won], to=Status.QUALIFIED, by=reviewer, reason="fits"
    )

    assert result.changed == [fresh.pk]
    assert set(result.refused) == {won.pk}
    assert "cannot become qualified" in result.refused[won.pk]
    fresh.refresh_from_db()
    won.refresh_from_db()
    assert (fresh.status, fresh.status_reason) == (Status.QUALIFIED, "fits")
    assert won.status == Status.WON


def test_bulk_disqualify_without_reason_changes_nothing(reviewer):
    submission = make_lead()

    with pytest.raises(ValidationError):
        services.submissions_set_status(
            submissions=[submission], to=Status.DISQUALIFIED, by=reviewer, reason=" "
        )

    submission.refresh_from_db()
    assert submission.status == Status.NEW


def test_disqualified_submission_keeps_its_reason_and_the_database_insists_on_one(reviewer):
    submission = make_lead()

    services.submission_set_status(
        submission=submission, to=Status.DISQUALIFIED, by=reviewer, reason="student project"
    )

    submission.refresh_from_db()
    assert submission.status_reason == "student project"
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(status_reason="")


def test_assigning_records_the_owner_and_logs_ids_only(reviewer):
    submission = make_lead(status=Status.NEW, email="ana@acme.example")
    sam = make_user("sam", "Sales")

    result = services.submissions_assign(submissions=[submission], owner=sam, by=reviewer)

    submission.refresh_from_db()
    assert result.changed == [submission.pk]
    assert submission.owner == sam
    entry = ModelLogEntry.objects.for_instance(submission).get(action="leads.assign")
    assert entry.data == {"from": None, "to": sam.pk}
    assert "ana@acme.example" not in entry.label


def test_leads_cannot_be_assigned_to_someone_without_lead_rights(reviewer):
    submission = make_lead()
    editor = make_user("ed")

    with pytest.raises(ValidationError):
        services.submissions_assign(submissions=[submission], owner=editor, by=reviewer)

    submission.refresh_from_db()
    assert submission.owner is None


def test_unassigning_clears_the_owner(reviewer):
    submission = make_lead()
    services.submission_assign(submission=submission, owner=make_user("sam", "Sales"), by=reviewer)

    services.submission_assign(submission=submission, owner=None, by=reviewer)

    submission.refresh_from_db()
    assert submission.owner is None


def test_only_the_author_edits_a_note(reviewer):
    contact = make_lead().contact
    sam = make_user("sam", "Sales")
    note = services.note_add(contact=contact, text="  Called, wants a demo.  ", by=sam)

    services.note_edit(note=note, text="Called, demo on Friday.", by=sam)
    with pytest.raises(PermissionDenied):
        services.note_edit(note=note, text="Overwritten", by=reviewer)

    note.refresh_from_db()
    assert note.text == "Called, demo on Friday."
    assert note.author == sam


def test_an_empty_note_is_refused(reviewer):
    contact = make_lead().contact

    with pytest.raises(ValidationError):
        services.note_add(contact=contact, text="   ", by=reviewer)


# The flow ---------------------------------------------------------------------------------


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module a source file imports, relative imports made absolute (a name imported
    from a package counts as its submodule too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


# The tasks, the follow-up, and the views (public and admin) that call the services.
VIEWS_AND_FOLLOW_UP = (
    "leads.tasks",
    "leads.followup",
    "leads.capture.views",
    "leads.capture.beacons",
    "leads.capture.links",
    "leads.admin",
)


@pytest.mark.django_db(databases=[])
def test_services_never_import_the_tasks_or_the_follow_up_side():
    """Tasks import services, never the reverse, not even inside a function: the outbox is
    told which task sends what by LeadsConfig.ready."""
    for path in sorted(Path(services.__file__).parent.glob("*.py")):
        imported = imported_modules(path, "leads.services")
        forbidden = {name for name in imported if name.startswith(VIEWS_AND_FOLLOW_UP)}
        assert not forbidden, f"{path.name} imports {sorted(forbidden)}"
