"""The follow-up of an accepted lead: who gets which email, and how failures are retried."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from leads import tasks
from leads.models import Delivery, DeliveryStatus, LeadSettings, Status, Submission
from leads.tasks import delivery_attempt
from tests.factories import capture_lead, make_cta, make_user
from tests.live_site import free_port, smtp_server, smtp_settings

pytestmark = pytest.mark.django_db

LEAD = "ana@acme.example"


@pytest.fixture
def submit(post_lead):
    """POST a lead; returns the submission it stored."""

    def post(cta, **answers):
        response = post_lead(cta, **answers)
        assert response.status_code == 303, response.content.decode()[:2000]
        return Submission.objects.order_by("-pk").first()

    return post


def deliveries_of(submission) -> dict:
    return {delivery.kind: delivery for delivery in submission.deliveries.all()}


def sent_to(address) -> list:
    return [message for message in mail.outbox if address in message.to]


def make_due(*deliveries):
    """Test setup: the backoff has passed."""
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def redrive() -> str:
    out = io.StringIO()
    call_command("redrive_deliveries", stdout=out)
    return out.getvalue()


def test_accepted_quote_sends_notification_and_confirmation(submit):
    submission = submit(make_cta("quote"))

    deliveries = deliveries_of(submission)
    assert set(deliveries) == {"notification", "confirmation"}
    assert {d.status for d in deliveries.values()} == {DeliveryStatus.SENT}
    assert {d.attempts for d in deliveries.values()} == {1}
    assert len(mail.outbox) == 2


def test_notification_goes_to_the_cta_owner(submit):
    owner = make_user("owner", "Sales", email="owner@site.example")  # Sales: may own a CTA
    LeadSettings.objects.create(sales_inbox="sales@site.example")

    submit(make_cta("quote", owner=owner))

    assert len(sent_to("owner@site.example")) == 1
    assert sent_to("sales@site.example") == []


def test_notification_for_an_owner_without_email_goes_to_the_sales_inbox(submit):
    owner = make_user("owner", "Sales", email="")
    LeadSettings.objects.create(sales_inbox="sales@site.example")

    submit(make_cta("quote", owner=owner))

    assert len(sent_to("sales@site.example")) == 1


@override_settings(LEADS_NOTIFY_EMAIL="leads@site.example")
def test_notification_without_owner_goes_to_the_sales_inbox(submit):
    LeadSettings.objects.create(sales_inbox="sales@site.example")

    submit(make_cta("quote"))

    assert len(sent_to("sales@site.example")) == 1
    assert sent_to("leads@site.example") == []


@override_settings(LEADS_NOTIFY_EMAIL="leads@site.example")
def test_notification_without_owner_or_sales_inbox_goes_to_leads_notify_email(submit):
    submit(make_cta("quote"))

    assert len(sent_to("leads@site.example")) == 1


@override_settings(LEADS_NOTIFY_EMAIL="leads@site.example")
def test_notification_reply_to_is_the_lead(submit):
    submit(make_cta("quote"), email="Ana.Lima@Acme.example")

    (notification,) = sent_to("leads@site.example")
    assert notification.reply_to == ["Ana.Lima@Acme.example"]


@override_settings(LEADS_NOTIFY_EMAIL="leads@site.example")
def test_notification_subject_has_no_personal_data(submit):
    submit(
        make_cta("quote", title="Quote: lead capture"),
        name="Zoë Quartermaine",
        email="zoe@quartermaine.example",
        company="Quartermaine Ltd",
    )

    (notification,) = sent_to("leads@site.example")
    assert "Quote: lead capture" in notification.subject
    for personal in ("Zoë", "Quartermaine", "zoe@"):
        assert personal.lower() not in notification.subject.lower()


def test_confirmation_has_plain_text_and_html_parts(submit):
    submit(make_cta("quote"), name="Ana Lima")

    (confirmation,) = sent_to(LEAD)
    assert "Hello Ana Lima," in confirmation.body
    ((html, mimetype),) = confirmation.alternatives
    assert mimetype == "text/html"
    assert "Hello Ana Lima," in html


def test_confirmation_has_one_click_list_unsubscribe_headers(submit):
    submit(make_cta("quote"))

    (confirmation,) = sent_to(LEAD)
    message = confirmation.message()
    assert re.fullmatch(
        r"<http://testserver/leads/unsubscribe/[^>]+/>", message["List-Unsubscribe"]
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_confirmation_carries_no_visitor_text_but_the_name(submit):
    submission = submit(
        make_cta("quote"),
        name="Ana Lima",
        company="Prize desk at winner-prize.example",
        message="You won! Claim it at https://winner-prize.example/claim now",
    )

    assert submission.status == Status.NEW  # accepted, so the email did go out
    (confirmation,) = sent_to(LEAD)
    ((html, _),) = confirmation.alternatives
    for text in (confirmation.subject, confirmation.body, html):
        assert "winner-prize" not in text
        assert "You won" not in text
        assert "Prize desk" not in text
    assert "Ana Lima" in confirmation.body


@override_settings(LEAD_CONFIRMATIONS_PER_HOUR=1)
def test_confirmations_to_one_address_are_throttled(submit):
    cta = make_cta("quote")
    first = submit(cta, name="Ana Lima")
    second = submit(cta, name="Ana Lima again")

    assert deliveries_of(first)["confirmation"].status == DeliveryStatus.SENT
    throttled = deliveries_of(second)["confirmation"]
    assert throttled.status == DeliveryStatus.SKIPPED
    assert "throttled" in throttled.last_error
    assert len(sent_to(LEAD)) == 1


@override_settings(LEAD_CONFIRMATIONS_PER_HOUR=1)
def test_throttled_confirmation_still_notifies_staff(submit):
    cta = make_cta("quote")
    submit(cta, name="Ana Lima")
    second = submit(cta, name="Ana Lima again")

    assert deliveries_of(second)["notification"].status == DeliveryStatus.SENT


def test_failed_delivery_is_scheduled_for_retry(submit):
    with override_settings(**smtp_settings(free_port())):  # nothing listens there
        submission = submit(make_cta("quote"))

    for delivery in deliveries_of(submission).values():
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.attempts == 1
        assert delivery.next_attempt_at > timezone.now()
        assert delivery.last_error == "ConnectionRefusedError"


def test_failed_delivery_error_names_the_failure_without_personal_data(submit):
    port = free_port()
    refusal = "550 5.1.1 <{address}>: mailbox unavailable"
    with (
        smtp_server(port, refuse_recipients_with=refusal),
        override_settings(**smtp_settings(port)),
    ):
        submission = submit(make_cta("quote"), email="zoe@quartermaine.example")

    for delivery in deliveries_of(submission).values():
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.last_error == "SMTPRecipientsRefused"


@override_settings(LEAD_DELIVERY_MAX_ATTEMPTS=2)
def test_delivery_gives_up_after_max_attempts(submit):
    with override_settings(**smtp_settings(free_port())):
        submission = submit(make_cta("quote"))
        make_due(*submission.deliveries.all())
        redrive()

    for delivery in deliveries_of(submission).values():
        assert delivery.status == DeliveryStatus.GAVE_UP
        assert delivery.attempts == 2
        assert delivery.next_attempt_at is None
        assert delivery.done_at is not None


def test_redrive_retries_due_deliveries_and_prints_a_summary(submit):
    with override_settings(**smtp_settings(free_port())):
        submission = submit(make_cta("quote"))
    make_due(*submission.deliveries.all())

    output = redrive()

    assert output.strip() == "Deliveries re-driven: 2 sent."
    assert {d.status for d in submission.deliveries.all()} == {DeliveryStatus.SENT}
    assert len(mail.outbox) == 2


def test_redrive_waits_for_the_backoff(submit):
    with override_settings(**smtp_settings(free_port())):
        submission = submit(make_cta("quote"))

    output = redrive()

    assert output.strip() == "Deliveries re-driven: none due."
    assert {d.status for d in submission.deliveries.all()} == {DeliveryStatus.FAILED}
    assert mail.outbox == []


def test_sent_delivery_is_not_sent_again_when_its_task_runs_again(submit):
    submission = submit(make_cta("quote"))
    confirmation = deliveries_of(submission)["confirmation"]
    assert len(sent_to(LEAD)) == 1

    assert delivery_attempt(confirmation.pk) == "not due"
    assert delivery_attempt(confirmation.pk) == "not due"

    assert len(sent_to(LEAD)) == 1
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == (DeliveryStatus.SENT, 1)


def test_quarantined_submission_sends_no_email(submit):
    submission = submit(make_cta("quote"), website="http://spam.example")

    assert submission.status == Status.SPAM
    assert not submission.deliveries.exists()
    assert mail.outbox == []


# Queued tasks -----------------------------------------------------------------------------


def test_task_paths_stay_what_queued_rows_name():
    """The database queue stores each task by its dotted path: moving a task would leave the
    rows queued before the upgrade naming a path that no longer runs."""
    assert tasks.deliver.module_path == "leads.tasks.deliver"
    assert tasks.deliver_follow_up.module_path == "leads.tasks.deliver_follow_up"
    assert tasks.score_contacts.module_path == "leads.tasks.score_contacts"


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_follow_up_queued_by_path_is_run_by_the_worker():
    """What django-tasks-db's worker does with a row: import its task by the stored path."""
    capture_lead(make_cta("quote"), email=LEAD)
    (row,) = DBTaskResult.objects.filter(task_path="leads.tasks.deliver_follow_up")
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )

    row.claim(worker.worker_id)
    worker.run_task(row)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert {d.status for d in Delivery.objects.all()} == {DeliveryStatus.SENT}
    assert len(sent_to(LEAD)) == 1
