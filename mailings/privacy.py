"""What a person's data export (leads/privacy.py, a right-of-access request) shows of the email
sent to them: registered as its `leads_privacy_export` hook in mailings/wagtail_hooks.py."""

from .models import Enrolment, Send


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _subject(send: Send) -> str:
    if send.broadcast_id:
        return send.broadcast.email.subject
    if send.step_id:
        return send.step.email.subject
    if send.webinar_id:
        return f"Reminder: {send.webinar.title}"
    return ""


def export(*, contact) -> dict[str, list]:
    sends = (
        Send.objects.filter(contact=contact)
        .select_related("broadcast__email", "step__email", "webinar")
        .prefetch_related("clicks")
        .order_by("due_at", "pk")
    )
    enrolments = Enrolment.objects.filter(contact=contact).select_related("sequence")
    return {
        "emails_sent": [
            {
                "kind": send.kind,
                "subject": _subject(send),
                "status": send.status,
                "sent_at": _iso(send.sent_at),
                "delivered_at": _iso(send.delivered_at),
                "bounced_at": _iso(send.bounced_at),
                "complained_at": _iso(send.complained_at),
                "unsubscribed_at": _iso(send.unsubscribed_at),
                "clicks": [
                    {"link": click.url, "clicked_at": _iso(click.clicked_at)}
                    for click in send.clicks.all()
                ],
            }
            for send in sends
        ],
        "sequences": [
            {
                "sequence": enrolment.sequence.name,
                "status": enrolment.status,
                "enrolled_at": _iso(enrolment.started_at),
                "ended_at": _iso(enrolment.ended_at),
            }
            for enrolment in enrolments
        ],
    }
