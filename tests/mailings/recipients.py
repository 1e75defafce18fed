"""People who get our email, and the sends they got, for the tests of what recipients reach
from an email (mailings/public/) and of what their provider reports (mailings/tracking.py)."""

import itertools

from django.utils import timezone

from leads import services
from leads.models import ConsentSource, Contact, MailingList
from mailings.models import Broadcast, BroadcastStatus, Email, Send, SendKind, SendStatus

_people = itertools.count(1)


def make_list(slug="newsletter", name=None, **fields) -> MailingList:
    """The list with this slug (the migrations make the newsletter), named and described as
    given."""
    mailing_list, created = MailingList.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.title()}
    )
    if created or name or fields:
        fields.setdefault("description", "One email a month with our best articles.")
        MailingList.objects.filter(pk=mailing_list.pk).update(
            name=name or mailing_list.name, **fields
        )
        mailing_list.refresh_from_db()
    return mailing_list


def make_subscriber(email=None, *, lists=()) -> Contact:
    """A person who gave marketing consent on a form and confirmed these lists."""
    contact = Contact.objects.create(email=email or f"reader{next(_people)}@inbox.example")
    services.marketing_consent_record(
        contact=contact, given=True, wording="Send me your newsletter.", source=ConsentSource.FORM
    )
    for mailing_list in lists:
        services.list_join(
            contact=contact, mailing_list=mailing_list, wording="Join", source=ConsentSource.FORM
        )
    return contact


def make_email(**fields) -> Email:
    fields.setdefault("name", "March issue")
    fields.setdefault("subject", "Five landing page fixes")
    fields.setdefault(
        "body", [("button", {"label": "Read the guide", "url": "https://guides.example/fixes"})]
    )
    return Email.objects.create(**fields)


def make_broadcast(mailing_list, *, status=BroadcastStatus.SCHEDULED, **fields) -> Broadcast:
    fields.setdefault("name", "March newsletter")
    fields.setdefault("scheduled_for", timezone.now())
    return Broadcast.objects.create(
        email=fields.pop("email", None) or make_email(),
        mailing_list=mailing_list,
        status=status,
        **fields,
    )


def make_send(contact, *, broadcast=None, **fields) -> Send:
    """A broadcast email that went to `contact` (sent now, unless `fields` say otherwise)."""
    now = timezone.now()
    broadcast = broadcast or make_broadcast(make_list(), status=BroadcastStatus.SENT)
    fields = {"status": SendStatus.SENT, "due_at": now, "sent_at": now} | fields
    return Send.objects.create(
        contact=contact, kind=SendKind.BROADCAST, broadcast=broadcast, **fields
    )
