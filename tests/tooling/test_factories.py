"""The shared test-data helpers in tests/factories.py make what their docstrings promise."""

import pytest
from wagtail.models import ModelLogEntry

from leads.models import Status
from tests.factories import GROUPS, log_in, make_cta, make_lead, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(GROUPS))
def test_make_user_puts_the_account_in_the_role_group(role):
    user = make_user(f"someone-{role}", GROUPS[role])

    assert list(user.groups.values_list("name", flat=True)) == [GROUPS[role]]
    assert user.email == f"someone-{role}@staff.example"
    assert user.check_password("pw")


def test_make_user_without_a_group_has_no_rights():
    user = make_user("nobody")

    assert not user.groups.exists() and not user.is_superuser


def test_log_in_signs_in_a_new_user_of_the_role_or_no_one(client):
    assert log_in(client, "anonymous") is None
    assert client.get("/admin/").status_code == 302

    superuser = log_in(client, "superuser")

    assert superuser.is_superuser
    assert client.get("/admin/").status_code == 200


def test_make_lead_is_put_straight_into_its_status_without_a_workflow_step():
    submission = make_lead(status=Status.WON, owner=make_user("sam", "Sales"), score=40)

    assert submission.status == Status.WON
    assert submission.owner.username == "sam"
    assert submission.contact.score == 40
    assert not ModelLogEntry.objects.for_instance(submission).exists()


def test_make_lead_gives_a_disqualified_lead_a_reason():
    assert make_lead(status=Status.DISQUALIFIED).status_reason


def test_each_lead_is_its_own_person_unless_told():
    cta = make_cta("quote")
    first, second = make_lead(cta), make_lead(cta)
    ana = make_lead(cta, email="ana@acme.example", name="Ana Lima")

    assert first.contact != second.contact
    assert first.pk != second.pk
    assert (ana.email, ana.answers["name"]) == ("ana@acme.example", "Ana Lima")


def test_make_lead_with_spam_reasons_is_quarantined_at_capture():
    submission = make_lead(spam_reasons=["honeypot"])

    assert submission.status == Status.SPAM and submission.contact is None
