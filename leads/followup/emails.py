"""The emails a submission sends: to staff, and to the lead.

Each sender returns "" when it sent, or the reason it skipped; it raises when delivery failed
(the outbox records it and retries). Lead-facing mail contains nothing the visitor typed except
their own name, so the forms cannot be used to send someone else a message.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .. import answers, kinds
from ..capture.tokens import link_token
from ..cleaning import one_line
from ..models import (
    DeliveryKind,
    DeliveryStatus,
    LeadSettings,
    Submission,
    Subscription,
    SubscriptionStatus,
)
from ..permissions import may_work_leads
from ..scoring import explain
from ..services.subscriptions import mailing_list_for
from ..services.suppressions import suppression_reason
from ..staff import user_label


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def unsubscribe_url(submission: Submission) -> str:
    return absolute(
        reverse("leads:unsubscribe", args=[link_token("unsubscribe", submission.contact.reference)])
    )


def download_url(submission: Submission) -> str:
    return absolute(reverse("leads:download", args=[link_token("download", submission.reference)]))


def lead_mail_recipient(*candidates) -> str:
    """The address an email carrying lead data goes to: the first candidate who may work leads
    (`permissions.may_work_leads`, asked now, at sending time) and has an address, else the
    sales inbox. Whoever lost the right since a CTA or a lead was given to them gets nothing."""
    for user in candidates:
        if user is not None and user.email and may_work_leads(user):
            return user.email
    return LeadSettings.load().notify_address()


def contact_owner(submission: Submission):
    """The salesperson who already has this person: the owner of the contact's latest open
    submission that has one (this submission's own, once assigned), else None."""
    if submission.contact_id is None:
        return None
    owned = (
        submission.contact.submissions.open()
        .filter(owner__isnull=False)
        .select_related("owner")
        .order_by("-received_at", "-pk")
        .first()
    )
    return owned.owner if owned else None


def lead_recipient(submission: Submission) -> str:
    """Who hears about this lead (notification, hot-lead alert): the contact's owner, else the
    CTA's owner, else the sales inbox. Decided at sending time, so a retry follows a
    reassignment."""
    cta_owner = submission.cta.owner if submission.cta else None
    return lead_mail_recipient(contact_owner(submission), cta_owner)


def send_notification(submission: Submission) -> str:
    """Tell the contact's owner, else the CTA's owner, else the sales inbox about a new lead.
    Reply-To is the lead."""
    to = lead_recipient(submission)
    context = {
        "submission": submission,
        "kind_noun": answers.kind_noun(submission.cta_kind),
        "answers": [
            answers.question_and_choice(label, value)
            for label, value in answers.submission_answers(submission)
        ],
        "admin_url": absolute(admin_url(submission)),
    }
    message = EmailMultiAlternatives(
        subject=one_line(notification_subject(submission)),
        body=render_to_string("leads/email/notification.txt", context),
        to=[to],
        reply_to=[submission.email.strip()],
    )
    message.send()
    return ""


def notification_subject(submission: Submission) -> str:
    """ "New quote request: Website redesign quote": what came in and through which CTA. It
    names the CTA, never the person: subjects show in notifications and mail logs."""
    return f"New {answers.kind_noun(submission.cta_kind)}: {submission.cta_title}"


def recently_confirmed(submission: Submission) -> int:
    """Confirmation emails sent to this person in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return (
        submission.contact.submissions.filter(
            deliveries__kind__in=[DeliveryKind.CONFIRMATION, DeliveryKind.OPT_IN],
            deliveries__status=DeliveryStatus.SENT,
            deliveries__done_at__gte=since,
        )
        .exclude(pk=submission.pk)
        .count()
    )


def greeting_name(submission: Submission) -> str:
    """The name the person's email greets them by: the name they typed, else their first name
    (a form that asks first and last name), else the name we know them by."""
    contact = submission.contact
    typed = submission.answers.get("name", "")
    if typed or contact is None:
        return one_line(typed)
    return one_line(contact.properties.get("first_name") or contact.name)


def send_to_lead(submission: Submission, template: str, subject: str, **extra) -> str:
    # A hard-bounced address cannot receive it, and one that reported us as spam does not
    # want it: no follow-up goes to a suppressed address (docs/leads.md).
    if reason := suppression_reason(submission.contact.email):
        return f"suppressed: {reason}"
    if recently_confirmed(submission) >= settings.LEAD_CONFIRMATIONS_PER_HOUR:
        return "throttled: too many emails to this address in the last hour"
    unsubscribe = unsubscribe_url(submission)
    context = {
        "submission": submission,
        "cta": submission.cta,
        "name": greeting_name(submission),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unsubscribe_url": unsubscribe,
        **extra,
    }
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"leads/email/{template}.txt", context),
        to=[submission.contact.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"leads/email/{template}.html", context), "text/html"
    )
    message.send()
    return ""


def send_confirmation(submission: Submission) -> str:
    cta = submission.cta
    kind = kinds.get(submission.cta_kind)
    extra = {}
    if kind.gated_document and cta and cta.document:
        extra["download_url"] = download_url(submission)
        extra["document_title"] = cta.document.title
        extra["link_days"] = settings.LEAD_DOWNLOAD_LINK_DAYS
    subject = cta.person_email_subject if cta else kind.confirmation_subject.format("")
    return send_to_lead(submission, "confirmation", subject, **extra)


def send_opt_in(submission: Submission) -> str:
    """Double opt-in: the subscription starts only once this link is followed."""
    subscription = Subscription.objects.get(
        contact=submission.contact, mailing_list=mailing_list_for(submission.cta)
    )
    if subscription.status != SubscriptionStatus.PENDING:
        # Confirmed meanwhile, or unsubscribed since (a retry must not ask again).
        return f"not needed: the subscription is {subscription.get_status_display().lower()}"
    confirm_url = absolute(
        reverse("leads:opt_in", args=[link_token("opt_in", subscription.reference)])
    )
    return send_to_lead(
        submission,
        "opt_in",
        submission.cta.person_email_subject,
        confirm_url=confirm_url,
    )


def send_hot_lead(submission: Submission) -> str:
    """Tell sales a contact's score reached the hot threshold (once per contact). The subject
    names the contact by number only: it shows in notifications and mail logs."""
    contact = submission.contact
    if contact is None or submission.erased_at:
        return "erased: no one to tell about"
    context = {
        "contact": contact,
        "submission": submission,
        "explanation": explain(contact.score_explanation),
        "kind_noun": answers.kind_noun(submission.cta_kind),
        "admin_url": absolute(admin_url(submission)),
    }
    message = EmailMultiAlternatives(
        subject=one_line(f"Hot lead: {contact} scored {contact.score}"),
        body=render_to_string("leads/email/hot_lead.txt", context),
        to=[lead_recipient(submission)],
    )
    message.attach_alternative(render_to_string("leads/email/hot_lead.html", context), "text/html")
    message.send()
    return ""


def send_assignment(submission: Submission) -> str:
    """Tell a lead's new owner it is theirs (they may not have the inbox open). Names the
    lead by number and CTA only; the link opens it. Goes to the owner at sending time: a
    retry after a reassignment tells the newer owner."""
    owner = submission.owner
    if submission.erased_at or owner is None:
        return "unassigned: no one to tell"
    context = {
        "submission": submission,
        "owner_label": user_label(owner),
        "kind_noun": answers.kind_noun(submission.cta_kind),
        "admin_url": absolute(admin_url(submission)),
    }
    message = EmailMultiAlternatives(
        subject=one_line(f"Lead assigned to {user_label(owner)}: {submission}"),
        body=render_to_string("leads/email/assignment.txt", context),
        to=[lead_mail_recipient(owner)],
    )
    message.send()
    return ""


def admin_url(submission: Submission) -> str:
    """Where staff work this lead: its place on the contact's page in the sales workspace."""
    url = reverse("leads_contact:detail", args=[submission.contact_id])
    return f"{url}#submission-{submission.pk}"
