"""The hooks through which apps built on leads react to it and add to its pages
(leads/extension_points.py), seen from leads alone."""

import pytest
from django.db import transaction
from django.urls import reverse
from wagtail import hooks

from leads import services
from leads.admin.contact import TimelineItem
from leads.extension_points import ContactPanel
from leads.models import Status
from tests.factories import log_in, make_lead, make_user

pytestmark = pytest.mark.django_db


def test_a_status_change_tells_the_hook_inside_its_transaction():
    calls = []

    def changed(*, submission, old, new, by):
        in_transaction = transaction.get_connection().in_atomic_block
        calls.append((submission.pk, old, new, by.username, in_transaction))

    submission = make_lead()
    sales = make_user("sam", "Sales")
    with hooks.register_temporarily("leads_status_changed", changed):
        services.submission_set_status(submission=submission, to=Status.IN_REVIEW, by=sales)
        services.submissions_set_status(submissions=[submission], to=Status.QUALIFIED, by=sales)
    assert calls == [
        (submission.pk, Status.NEW, Status.IN_REVIEW, "sam", True),
        (submission.pk, Status.IN_REVIEW, Status.QUALIFIED, "sam", True),
    ]


def test_a_refused_status_change_tells_no_one():
    calls = []
    submission = make_lead()
    with hooks.register_temporarily("leads_status_changed", lambda **kw: calls.append(kw)):
        result = services.submissions_set_status(
            submissions=[submission], to=Status.WON, by=make_user("sam", "Sales")
        )
    assert result.refused and calls == []


def test_the_contact_page_shows_the_panels_and_events_apps_add(client):
    log_in(client, "sales")
    submission = make_lead()

    def panels(*, request, contact):
        return [
            ContactPanel(
                id="extra",
                heading="From another app",
                template_name="leads/admin/contact/_details.html",
            )
        ]

    def timeline(*, contact):
        return [TimelineItem(submission.received_at, "other", "Another app")]

    with (
        hooks.register_temporarily("leads_contact_panels", panels),
        hooks.register_temporarily("leads_contact_timeline", timeline),
    ):
        url = reverse("leads_contact:detail", args=[submission.contact_id])
        html = client.get(url).content.decode()
    assert 'id="extra-section"' in html and "From another app" in html
    assert 'data-kind="other"' in html and "By Another app" in html
