"""What a person does through the links of an email (one-click unsubscribe, the preference
centre), and what their mail provider reports for them (mailings/tracking.py): the leads
services record the consent; this adds mailings' part, the send that was unsubscribed from
and the sequences the person leaves.

The wordings below are shown on the pages and recorded, exactly, in the consent ledger.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from leads import services
from leads.models import ConsentSource, Contact, MailingList

from ..models import Enrolment, EnrolmentStatus, Send


def site_name() -> str:
    return settings.WAGTAIL_SITE_NAME


def unsubscribe_wording() -> str:
    return f"Unsubscribe from all newsletters and marketing email from {site_name()}."


def resubscribe_wording() -> str:
    return f"Resubscribe: send me newsletters and marketing email from {site_name()} again."


LIST_PROMPT = "Email me:"


def list_wording(mailing_list: MailingList) -> str:
    """A list's line in the preference centre (under LIST_PROMPT), as the ledger keeps it."""
    wording = f"{LIST_PROMPT} {mailing_list.name}"
    return f"{wording} ({mailing_list.description})" if mailing_list.description else wording


COMPLAINT_WORDING = "Reported our email as spam to their mail provider."
PROVIDER_UNSUBSCRIBE_WORDING = "Unsubscribed through their mail provider."


def enrolments_end(*, contact: Contact, reason: str) -> int:
    """The person leaves every nurture sequence they are in (their queued steps are skipped
    when they come due: mailings/sending/dispatch.py checks the enrolment)."""
    # Until mailings.sequences.enrolments_exit lands; then this calls it.
    return Enrolment.objects.filter(
        contact=contact, status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED]
    ).update(
        status=EnrolmentStatus.EXITED,
        exit_reason=reason,
        ended_at=timezone.now(),
        next_due_at=None,
    )


@transaction.atomic
def contact_stop_all(*, contact: Contact, wording: str, source: str) -> bool:
    """No more marketing email: unsubscribed (with its consent record) and out of every
    sequence. False if the person had already unsubscribed."""
    changed = services.contact_opt_out(contact=contact, wording=wording, source=source)
    enrolments_end(contact=contact, reason="unsubscribed")
    return changed


@transaction.atomic
def send_unsubscribe(
    *, send: Send, wording: str | None = None, source: str = ConsentSource.UNSUBSCRIBE
) -> Contact:
    """One-click unsubscribe from this send's email (RFC 8058 or the page's button): the
    send remembers it, and the person gets no marketing email any more. Repeating it changes
    nothing."""
    Send.objects.filter(pk=send.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    contact_stop_all(contact=send.contact, wording=wording or unsubscribe_wording(), source=source)
    return Contact.objects.get(pk=send.contact_id)
