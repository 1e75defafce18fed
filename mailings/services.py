"""Every write editors make to email from the admin: one keyword-only function per use case.

Broadcasts move draft -> scheduled -> sending -> sent (or cancelled). "Send now" and "Schedule"
only set the time; the task workers start a broadcast when its time comes
(mailings/sending/schedule.py), so a request never selects 100,000 recipients itself.

Each use case is logged in Wagtail's audit log (history and the "Logs" report) with ids, times
and counts, never an address (mailings/audit.py reads them back).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from . import audit, previews, rendering
from .models import Broadcast, BroadcastStatus, Email, MailSettings
from .sending import dispatch

TEST_SUBJECT_PREFIX = "[Test] "


class TestSendError(Exception):
    """Why a test could not be sent, in words for the person who asked for it."""


@transaction.atomic
def broadcast_create(*, name: str, email: Email, mailing_list=None, segment=None, by) -> Broadcast:
    """A draft broadcast of `email` to a list or a segment (exactly one of them)."""
    if (mailing_list is None) == (segment is None):
        raise ValidationError("Send to a list or to a segment: choose exactly one.")
    broadcast = Broadcast(
        name=name, email=email, mailing_list=mailing_list, segment=segment, created_by=by
    )
    broadcast.full_clean()
    broadcast.save()
    log(broadcast, "wagtail.create", user=by)
    return broadcast


def _locked(broadcast: Broadcast) -> Broadcast:
    return Broadcast.objects.select_for_update().get(pk=broadcast.pk)


@transaction.atomic
def broadcast_schedule(*, broadcast: Broadcast, at: datetime.datetime, by) -> Broadcast:
    """Send the broadcast at `at` (a moment in the future); a scheduled one may be moved."""
    broadcast = _locked(broadcast)
    if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED):
        raise ValidationError(
            f"This broadcast is {broadcast.get_status_display().lower()}: it can no longer be "
            "scheduled."
        )
    if at <= timezone.now():
        raise ValidationError("Choose a time in the future.")
    broadcast.status = BroadcastStatus.SCHEDULED
    broadcast.scheduled_for = at
    broadcast.full_clean()
    broadcast.save(update_fields=["status", "scheduled_for"])
    log(broadcast, audit.SCHEDULE, user=by, data={"at": at.isoformat()})
    return broadcast


@transaction.atomic
def broadcast_send_now(*, broadcast: Broadcast, by) -> Broadcast:
    """Send the broadcast as soon as a worker picks it up (within MAIL_TICK_SECONDS)."""
    broadcast = _locked(broadcast)
    if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED):
        raise ValidationError(
            f"This broadcast is {broadcast.get_status_display().lower()}: it cannot be sent again."
        )
    broadcast.status = BroadcastStatus.SCHEDULED
    broadcast.scheduled_for = timezone.now()
    broadcast.full_clean()
    broadcast.save(update_fields=["status", "scheduled_for"])
    log(broadcast, audit.SEND_NOW, user=by)
    return broadcast


def broadcast_cancel(*, broadcast: Broadcast, by) -> Broadcast:
    """Stop a scheduled or sending broadcast: what has not gone out yet never will."""
    with transaction.atomic():
        current = _locked(broadcast)
        if current.status not in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
            raise ValidationError(
                f"This broadcast is {current.get_status_display().lower()}: there is nothing "
                "to cancel."
            )
        broadcast = dispatch.broadcast_cancel(current)
        log(broadcast, audit.CANCEL, user=by, data={"was": current.status})
    return broadcast


def email_test_send(*, email: Email, user) -> str:
    """Send the email's saved version to the signed-in user, through the real mail backend.

    The links each recipient gets (unsubscribe, preferences) are placeholders that say this is
    a test; tracked links go straight to their address; merge fields are the author's own.
    Returns the address it went to; raises TestSendError when it cannot go."""
    address = (user.email or "").strip()
    if not address:
        raise TestSendError(
            "Your account has no email address: add one under Account > Profile, then try again."
        )
    mail_settings = MailSettings.load()
    rendered = rendering.render(email, mail_settings)
    subject, html, text = previews.test_parts(rendered, previews.author_fields(user))
    message = EmailMultiAlternatives(
        subject=TEST_SUBJECT_PREFIX + subject,
        body=text,
        from_email=mail_settings.sender(),
        to=[address],
        reply_to=[mail_settings.reply_to] if mail_settings.reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    try:
        sent = get_connection().send_messages([message])
    except Exception as error:  # the mail server refused it or is unreachable
        raise TestSendError(
            f"The mail server did not take it ({type(error).__name__}). Try again in a minute; "
            "if it keeps failing, check the site's mail settings."
        ) from error
    if sent != 1:
        raise TestSendError("The mail server did not take it. Try again in a minute.")
    log(email, audit.TEST_SEND, user=user)
    return address
