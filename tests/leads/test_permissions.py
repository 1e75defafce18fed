"""Who sees leads in the admin: a matrix of roles x URLs, guessed ids included.

Sales and Sales managers see submissions; editors and moderators see no trace of them; no one
adds, edits or deletes a submission through the generic admin views (only services write).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from leads.models import Submission
from tests.factories import capture_lead, make_cta

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "moderator", "sales", "manager", "superuser"]
GROUPS = {
    "editor": "Editors",
    "moderator": "Moderators",
    "sales": "Sales",
    "manager": "Sales managers",
}
ALLOWED = {  # url name -> roles that may open it
    "submissions": {"sales", "manager", "superuser"},
    "inspect": {"sales", "manager", "superuser"},
    "inspect_guessed": set(),
    "add": set(),
    "edit": set(),
    "delete": set(),
    "lead_settings": {"manager", "superuser"},
    "blocked_domains": {"manager", "superuser"},
    "cta_library": {"editor", "moderator", "superuser"},
}


@pytest.fixture
def submission(db):
    return capture_lead(make_cta("quote"), email="secret.person@acme.example").submission


def urls(submission: Submission) -> dict[str, str]:
    return {
        "submissions": reverse("leads_submission:index"),
        "inspect": reverse("leads_submission:inspect", args=[submission.pk]),
        "inspect_guessed": reverse("leads_submission:inspect", args=[submission.pk + 1000]),
        "add": reverse("leads_submission:add"),
        "edit": reverse("leads_submission:edit", args=[submission.pk]),
        "delete": reverse("leads_submission:delete", args=[submission.pk]),
        "lead_settings": "/admin/settings/leads/leadsettings/",
        "blocked_domains": reverse("wagtailsnippets_leads_blockedemaildomain:list"),
        "cta_library": reverse("wagtailsnippets_leads_calltoaction:list"),
    }


def log_in(client, django_user_model, role):
    if role == "anonymous":
        return
    if role == "superuser":
        user = django_user_model.objects.create_superuser(role, f"{role}@example.com", "pw")
    else:
        user = django_user_model.objects.create_user(role, f"{role}@example.com", "pw")
        user.groups.add(Group.objects.get(name=GROUPS[role]))
    client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_admin_url_is_open_only_to_roles_with_lead_rights(
    client, django_user_model, submission, role, name
):
    log_in(client, django_user_model, role)
    response = client.get(urls(submission)[name], follow=True)
    landed_on = response.request["PATH_INFO"]
    shown = response.status_code == 200 and landed_on.startswith(urls(submission)[name].rstrip("/"))
    assert shown == (role in ALLOWED[name]), (role, name, response.status_code, landed_on)
    if name.startswith("inspect") and role not in ALLOWED[name]:
        assert "secret.person@acme.example" not in response.content.decode()


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_see_no_trace_of_leads_on_the_dashboard(
    client, django_user_model, submission, role
):
    log_in(client, django_user_model, role)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/leads/" not in dashboard
    assert "Submissions" not in dashboard


def test_sales_see_submissions_in_the_menu(client, django_user_model, submission):
    log_in(client, django_user_model, "sales")
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("leads_submission:index") in dashboard


def test_no_one_deletes_a_submission_through_the_generic_admin_view(
    client, django_user_model, submission
):
    log_in(client, django_user_model, "superuser")
    client.post(reverse("leads_submission:delete", args=[submission.pk]))
    assert Submission.objects.filter(pk=submission.pk).exists()


def test_sales_groups_have_no_page_editing_rights(db):
    from wagtail.models import GroupPagePermission

    assert not GroupPagePermission.objects.filter(
        group__name__in=["Sales", "Sales managers"]
    ).exists()
