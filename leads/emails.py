"""The emails a submission sends: to staff, and to the lead.

Each sender returns "" when it sent, or the reason it skipped; it raises when delivery failed
(the task records it and retries). Lead-facing mail contains nothing the visitor typed except
their own name, so the forms cannot be used to send someone else a message.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import (
    CTAKind,
    DeliveryKind,
    DeliveryStatus,
    LeadSettings,
    Submission,
    Subscription,
    SubscriptionStatus,
)
from .scoring import explain
from .tokens import link_token


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def unsubscribe_url(submission: Submission) -> str:
    return absolute(
        reverse("leads:unsubscribe", args=[link_token("unsubscribe", submission.contact.reference)])
    )


def download_url(submission: Submission) -> str:
    return absolute(reverse("leads:download", args=[link_token("download", submission.reference)]))


def send_notification(submission: Submission) -> str:
    """Tell the CTA's owner (else the sales inbox) about a new lead. Reply-To is the lead."""
    cta = submission.cta
    owner_email = cta.owner.email if cta and cta.owner and cta.owner.email else ""
    to = owner_email or LeadSettings.load().notify_address()
    context = {
        "submission": submission,
        "answers": [
            (name.replace("_", " ").capitalize(), value)
            for name, value in submission.answers.items()
            if value
        ],
        "admin_url": absolute(admin_url(submission)),
    }
    message = EmailMultiAlternatives(
        subject=f"New {submission.get_cta_kind_display().lower()}: {submission.cta_title}",
        body=render_to_string("leads/email/notification.txt", context),
        to=[to],
        reply_to=[submission.email.strip()],
    )
    message.send()
    return ""


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


def send_to_lead(submission: Submission, template: str, subject: str, **extra) -> str:
    if recently_confirmed(submission) >= settings.LEAD_CONFIRMATIONS_PER_HOUR:
        return "throttled: too many emails to this address in the last hour"
    unsubscribe = unsubscribe_url(submission)
    context = {
        "submission": submission,
        "cta": submission.cta,
        "name": submission.answers.get("name", ""),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unsubscribe_url": unsubscribe,
        **extra,
    }
    message = EmailMultiAlternatives(
        subject=subject,
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
    extra = {}
    if submission.cta_kind == CTAKind.DOWNLOAD and cta and cta.document:
        extra["download_url"] = download_url(submission)
        extra["document_title"] = cta.document.title
        extra["link_days"] = settings.LEAD_DOWNLOAD_LINK_DAYS
    subject = {
        CTAKind.DOWNLOAD: "Your download: {}",
        CTAKind.QUOTE: "We have your quote request: {}",
        CTAKind.WEBINAR: "Your seat is reserved: {}",
    }.get(submission.cta_kind, "Thank you: {}")
    return send_to_lead(
        submission, "confirmation", subject.format(cta.headline if cta else ""), **extra
    )


def send_opt_in(submission: Submission) -> str:
    """Double opt-in: the subscription starts only once this link is followed."""
    subscription = Subscription.objects.get(contact=submission.contact, cta=submission.cta)
    if subscription.status != SubscriptionStatus.PENDING:
        # Confirmed meanwhile, or unsubscribed since (a retry must not ask again).
        return f"not needed: the subscription is {subscription.get_status_display().lower()}"
    confirm_url = absolute(
        reverse("leads:opt_in", args=[link_token("opt_in", subscription.reference)])
    )
    return send_to_lead(
        submission,
        "opt_in",
        f"Please confirm your subscription to {settings.WAGTAIL_SITE_NAME}",
        confirm_url=confirm_url,
    )


def hot_lead_recipient(submission: Submission) -> str:
    """Who hears that a lead is hot: the owner of the contact's latest open submission, else
    the owner of that submission's CTA, else the sales inbox. Decided at sending time, so a
    retry follows a reassignment."""
    latest = (
        submission.contact.submissions.open()
        .select_related("owner", "cta__owner")
        .order_by("-received_at", "-pk")
        .first()
    ) or submission
    for user in (latest.owner, latest.cta.owner if latest.cta else None):
        if user is not None and user.is_active and user.email:
            return user.email
    return LeadSettings.load().notify_address()


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
        "admin_url": absolute(admin_url(submission)),
    }
    message = EmailMultiAlternatives(
        subject=f"Hot lead: {contact} scored {contact.score}",
        body=render_to_string("leads/email/hot_lead.txt", context),
        to=[hot_lead_recipient(submission)],
    )
    message.attach_alternative(render_to_string("leads/email/hot_lead.html", context), "text/html")
    message.send()
    return ""


def admin_url(submission: Submission) -> str:
    """Where staff work this lead: its place on the contact's page in the sales workspace."""
    url = reverse("leads_contact:detail", args=[submission.contact_id])
    return f"{url}#submission-{submission.pk}"
