"""One send as the message that goes out: content rendered once per email (cached here per
process), personalised per person, with the headers mail providers and inboxes expect."""

import functools

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from .. import links, rendering
from ..models import Email, MailSettings, Send, SendKind


@functools.lru_cache(maxsize=32)
def _rendered(email_id: int, version: str) -> rendering.Rendered:
    return rendering.render(Email.objects.get(pk=email_id), MailSettings.load())


def rendered_email(email) -> rendering.Rendered:
    """The email rendered for everyone; re-rendered when it is edited."""
    return _rendered(email.pk, email.updated_at.isoformat())


def message_id(send: Send) -> str:
    """Our Message-ID for a send: the send's reference, so a webhook or a bounce names it."""
    return f"<{send.reference.hex}@{settings.MAIL_MESSAGE_ID_DOMAIN}>"


def starts_phrase(starts_at, now) -> str:
    """When the webinar starts, as the reminder says it at the moment it goes: "in about an
    hour", "in 20 minutes", "today at 16:00", "tomorrow at 16:00" (site time zone). A reminder
    that goes late (the person registered after its time) still says the truth."""
    minutes = max(round((starts_at - now).total_seconds() / 60), 1)
    if minutes <= 45:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if minutes <= 75:
        return "in about an hour"
    local, today = timezone.localtime(starts_at), timezone.localtime(now).date()
    day = "today" if local.date() == today else "tomorrow"
    if (local.date() - today).days > 1:
        day = f"on {local:%A %-d %B}"
    return f"{day} at {local:%H:%M}"


def content_for(send: Send, now=None) -> tuple[str, str, str, bool]:
    """(subject, text, html, is_marketing) for one send, going out `now` (default: now)."""
    preferences = links.preferences_url(send.contact.reference)
    if send.kind == SendKind.REMINDER:
        title = send.webinar.headline or send.webinar.title
        when = starts_phrase(send.event_starts_at, now or timezone.now())
        mail_settings = MailSettings.load()
        context = {
            "webinar": send.webinar,
            "when": when,
            "starts_at": timezone.localtime(send.event_starts_at),
            "reminder": send.reminder,
            "person": rendering.person_fields(send.contact),
            "join": {"url": send.webinar.joining_url, "label": "Join the webinar"},
            "preferences_url": preferences,
            "postal_address": mail_settings.postal_address,
            "sender_name": mail_settings.from_name,
        }
        subject = f"{title} starts {when}"
        text = render_to_string("mailings/email/reminder.txt", context)
        html = render_to_string("mailings/email/reminder.html", context)
        return subject, text, html, False
    email = send.broadcast.email if send.kind == SendKind.BROADCAST else send.step.email
    rendered = rendered_email(email)
    reference = send.reference
    subject, html, text = rendering.personalise(
        rendered,
        unsubscribe_url=links.unsubscribe_url(reference),
        preferences_url=preferences,
        link_url=(lambda index, url: links.click_url(reference, url)) if rendered.links else None,
        person=rendering.person_fields(send.contact),
    )
    return subject, text, html, True


def build(send: Send, mail_settings: MailSettings, now=None) -> EmailMultiAlternatives:
    subject, text, html, marketing = content_for(send, now)
    headers = {"Message-ID": send.message_id or message_id(send)}
    if marketing:
        # RFC 8058 one-click unsubscribe: providers (Gmail, Yahoo) show an Unsubscribe button
        # that POSTs "List-Unsubscribe=One-Click" to the https address.
        headers["List-Unsubscribe"] = f"<{links.unsubscribe_url(send.reference)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=mail_settings.sender(),
        to=[send.contact.email],
        reply_to=[mail_settings.reply_to] if mail_settings.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    # Read by django-anymail's backends (ignored by SMTP): providers echo it in webhooks.
    message.metadata = {"send": send.reference.hex}
    return message
