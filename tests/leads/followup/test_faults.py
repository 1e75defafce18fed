"""Outages never cost a lead: mail server, cache and task queue down, with real services."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from leads.models import Contact, Delivery, DeliveryStatus, Submission
from leads.tasks import deliver_follow_up
from tests.factories import capture_lead, make_cta
from tests.live_site import free_port, smtp_server, smtp_settings

pytestmark = pytest.mark.django_db

LEAD = "ana@acme.example"
SALES = "sales@site.example"
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A queue our tasks are not declared on: every enqueue raises InvalidTask.
MISCONFIGURED_QUEUE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["reports"],
    }
}


@pytest.fixture
def submit(post_lead):
    return post_lead


def deliver_tasks():
    """Queued runs of our follow-up task (Wagtail queues its own search indexing too)."""
    return DBTaskResult.objects.filter(task_path=deliver_follow_up.module_path)


def make_all_due():
    """Test setup: the backoff has passed."""
    Delivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def redrive() -> str:
    out = io.StringIO()
    call_command("redrive_deliveries", stdout=out)
    return out.getvalue()


def test_smtp_outage_keeps_the_lead_and_fails_its_emails(submit):
    with override_settings(**smtp_settings(free_port())):  # nothing listens there
        response = submit(make_cta("quote"))

    assert response.status_code == 303
    submission = Submission.objects.get()
    assert submission.contact == Contact.objects.get(email=LEAD)
    assert {d.status for d in submission.deliveries.all()} == {DeliveryStatus.FAILED}


@override_settings(LEADS_NOTIFY_EMAIL=SALES)
def test_emails_held_by_smtp_outage_go_out_once_on_redrive(submit):
    port = free_port()
    with override_settings(**smtp_settings(port)):
        submit(make_cta("quote"))
        make_all_due()
        with smtp_server(port) as smtp:
            first = redrive()
            make_all_due()  # even if a later run found them due again
            second = redrive()

    assert first.strip() == "Deliveries re-driven: 2 sent."
    assert second.strip() == "Deliveries re-driven: none due."
    assert sorted(smtp.recipients) == sorted([LEAD, SALES])
    assert {d.status for d in Delivery.objects.all()} == {DeliveryStatus.SENT}


@override_settings(CACHES=UNREACHABLE_REDIS, LEAD_RATE_LIMITS="ip=30/h,email=10/h")
def test_cache_outage_does_not_stop_a_lead(submit):
    response = submit(make_cta("quote"))

    assert response.status_code == 303
    assert Submission.objects.get().contact.email == LEAD


@override_settings(TASKS=DATABASE_QUEUE)
def test_queued_tasks_are_written_with_the_submission():
    result = capture_lead(make_cta("quote"))

    # One queue row per lead, carrying every delivery of it.
    (task,) = deliver_tasks()
    assert sorted(task.args_kwargs["args"][0]) == sorted(d.pk for d in result.deliveries)
    assert {d.status for d in Delivery.objects.all()} == {DeliveryStatus.PENDING}


@override_settings(TASKS=DATABASE_QUEUE)
def test_rolled_back_submission_leaves_no_queued_task():
    cta = make_cta("quote")

    with pytest.raises(RuntimeError), transaction.atomic():
        capture_lead(cta)
        assert deliver_tasks().exists()
        raise RuntimeError("the request failed after capture")

    assert not Submission.objects.exists()
    assert not Delivery.objects.exists()
    assert not deliver_tasks().exists()


@override_settings(TASKS=DATABASE_QUEUE)
def test_lead_is_kept_when_the_database_queue_fails(submit):
    cta = make_cta("quote")
    with connection.cursor() as cursor:  # the queue's table is gone (rolled back after the test)
        cursor.execute(f"DROP TABLE {DBTaskResult._meta.db_table}")

    response = submit(cta)

    assert response.status_code == 303
    submission = Submission.objects.get()
    assert {d.status for d in submission.deliveries.all()} == {DeliveryStatus.PENDING}


def test_lead_is_kept_when_enqueueing_fails(submit):
    cta = make_cta("quote")

    with override_settings(TASKS=MISCONFIGURED_QUEUE):
        response = submit(cta)

    assert response.status_code == 303
    submission = Submission.objects.get()
    assert {d.status for d in submission.deliveries.all()} == {DeliveryStatus.PENDING}


@override_settings(LEADS_NOTIFY_EMAIL=SALES)
def test_deliveries_never_enqueued_go_out_on_redrive(submit, mailoutbox):
    cta = make_cta("quote")
    with override_settings(TASKS=MISCONFIGURED_QUEUE):
        submit(cta)

    output = redrive()

    assert output.strip() == "Deliveries re-driven: 2 sent."
    assert sorted(address for message in mailoutbox for address in message.to) == sorted(
        [LEAD, SALES]
    )
