"""The demo's email (issue 19): the sender's details, the newsletter list with last month's
issue already sent and this month's scheduled a few minutes after the demo is loaded, the
nurture sequence after the eBook, and a webinar starting soon after the demo starts, so that
`make run` prints a newsletter and a webinar reminder to the console within minutes. Safe to
re-run.

Like the demo leads, the past is written as rows (sends, clicks, enrolments), never through
the sending machinery: nothing is emailed while the demo loads. What lies in the future (the
scheduled newsletter, the next nurture steps, the webinar's hour reminder) is left for the
mail loop of `make run` (leadsite/background.py) to send.
"""

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from blog.models import ArticlePage, HomePage
from leads import services
from leads.models import (
    CallToAction,
    ConsentPurpose,
    ConsentRecord,
    ConsentSource,
    Contact,
    CTAKind,
    Delivery,
    DownloadEvent,
    MailingList,
    Status,
    Submission,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    email_digest,
    normalise_email,
)
from leads.services.capture import consent_wording
from leads.services.subscriptions import mailing_list_for
from mailings import audience
from mailings.engagement import engagement_recompute
from mailings.models import (
    Broadcast,
    BroadcastStatus,
    Click,
    DelayUnit,
    Email,
    Enrolment,
    EnrolmentStatus,
    MailSettings,
    ReminderOffset,
    Send,
    SendKind,
    SendStatus,
    Sequence,
    SequenceStep,
    SequenceTrigger,
)

from . import fakes
from .ctas import WEBINAR_JOINING_URL

DEMO_MAIL_SEED = 20261207
# The scheduled newsletter goes out this long after the demo is loaded; the demo webinar starts
# this long after, so that its hour reminder is due five minutes in.
NEWSLETTER_IN = datetime.timedelta(minutes=3)
WEBINAR_IN = datetime.timedelta(hours=1, minutes=5)
# Last month's newsletter went out this long ago.
LAST_ISSUE_AGO = datetime.timedelta(days=13)
# A demo reader downloaded the eBook this long before the demo was loaded: the nurture
# sequence's first step (an hour after the download) reaches them a few minutes in.
FRESH_DOWNLOAD_AGO = datetime.timedelta(minutes=57)

SENDER = {
    "from_name": "The Qualified Lead",
    "from_email": "newsletter@leadsite.example",
    "reply_to": "hello@leadsite.example",
    # Invented, at a reserved domain's kind of place: no real business lives here.
    "postal_address": "LeadSite Demo Ltd, 4 Sample Row, Exampleton EX1 2MP, United Kingdom",
}

UNSUBSCRIBE_WORDING = "Unsubscribe from all newsletters and marketing email from {site}."


def _text(*paragraphs: str) -> dict:
    return {"type": "text", "value": "".join(f"<p>{p}</p>" for p in paragraphs)}


def _articles(heading: str, pages) -> dict:
    return {"type": "articles", "value": {"heading": heading, "articles": [p.pk for p in pages]}}


def _button(label: str, url: str) -> dict:
    return {"type": "button", "value": {"label": label, "url": url}}


def _footer(text: str) -> dict:
    return {"type": "footer", "value": {"text": text}}


def _site(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


NEWSLETTER_FOOTER = (
    "You get The Qualified Lead because you subscribed on our site and confirmed it. One "
    "issue every other Tuesday; no tracking pixel in any of them."
)


def last_issue(pages) -> dict:
    return {
        "name": "Newsletter: forms that earn their fields",
        "subject": "Every field on your form has a price",
        "preheader": "Two articles on asking less and learning more.",
        "track_clicks": True,
        "body": [
            _text(
                "Hi {first_name|there},",
                "Every question on a form costs you some of the people who would have "
                "answered it. That is fine when the answer changes what happens next: who "
                "calls, what they say, how soon. It is waste when the answer goes into a "
                "spreadsheet nobody opens.",
                "This fortnight: how to decide which fields stay, and how a gated guide can "
                "be worth the email address it asks for.",
            ),
            _articles("Worth your ten minutes", pages),
            _button("Browse every article", _site("/posts/")),
            _footer(NEWSLETTER_FOOTER),
        ],
    }


def this_issue(pages) -> dict:
    return {
        "name": "Newsletter: the handoff issue",
        "subject": "Why sales ignores half your leads (and how to fix it)",
        "preheader": "A score both teams believe in, and a handoff with a deadline.",
        "track_clicks": True,
        "body": [
            _text(
                "Hi {first_name|there},",
                "Ask a salesperson why a lead went uncalled and you rarely hear "
                "&ldquo;it was bad&rdquo;. You hear &ldquo;I didn&rsquo;t know why it was "
                "sent to me&rdquo;. A lead arrives with a name and a company, and nothing "
                "that says why today is the day.",
                "The fix is not more leads. It is an agreement: a small score that both "
                "teams can explain in a sentence, a threshold written down with a date, and "
                "a promise that anything above it gets a call within one working day.",
                "Two pieces from the blog to start that conversation:",
            ),
            _articles("This fortnight on the blog", pages),
            _text(
                "If you only do one thing this week: sit down with whoever answers your "
                "sales calls and agree on the three signals that make a lead worth a call. "
                "Write them on one page. That page is your first scoring model."
            ),
            _button("Get the lead scoring playbook", _site("/lead-scoring-playbook/")),
            _footer(NEWSLETTER_FOOTER),
        ],
    }


NURTURE_FOOTER = (
    "You get these three notes because you downloaded the Lead Scoring Playbook and asked for "
    "follow-up ideas. This is the {n} of three."
)


def nurture_emails(pages) -> list[dict]:
    return [
        {
            "name": "Playbook nurture 1: start with three rules",
            "subject": "Your first scoring model fits on a napkin",
            "preheader": "Three rules, one threshold, one meeting with sales.",
            "body": [
                _text(
                    "Hi {first_name|there},",
                    "An hour ago you downloaded the Lead Scoring Playbook. Here is the "
                    "shortest way to get something out of it this week.",
                    "Skip the clever parts. Pick three rules: one about who the lead is (a "
                    "business email, say), one about what they asked for (a quote beats a "
                    "download), and one about timing (a stated timeline this quarter). Give "
                    "each between 10 and 40 points. Pick a threshold where roughly one lead "
                    "in five would cross it.",
                    "That is a model. It is wrong in small ways, and that is fine: the "
                    "worksheet on the last page of the playbook is there to fix it with sales, "
                    "not alone.",
                    "Next note in two days: why a good score forgets.",
                ),
                _footer(NURTURE_FOOTER.format(n="first")),
            ],
        },
        {
            "name": "Playbook nurture 2: let interest fade",
            "subject": "Last spring's download is not a buying signal",
            "preheader": "Why engagement points should decay, and how fast.",
            "body": [
                _text(
                    "Hello again,",
                    "The most common scoring mistake we see is a model that only ever adds. "
                    "Someone reads five articles over two years and suddenly looks like a "
                    "hot lead, while the person who asked for a price yesterday sits below "
                    "the line.",
                    "Let behaviour fade. Halving engagement points every thirty days is a "
                    "good start: a download keeps some weight for a month or two, then "
                    "quietly stops mattering. Fit (who the person is) does not fade; it only "
                    "changes when they tell you something new.",
                ),
                _articles("More on scoring", pages[:1]),
                _footer(NURTURE_FOOTER.format(n="second")),
            ],
        },
        {
            "name": "Playbook nurture 3: the rejection reasons",
            "subject": "The most useful data sales will ever give you",
            "preheader": "Ask why a lead was turned down, and read the answers monthly.",
            "body": [
                _text(
                    "Hi {first_name|there},",
                    "Last note in this short series, and the one that matters most over time.",
                    "When sales turns a lead down, ask for the reason in a word or two: "
                    "&ldquo;student&rdquo;, &ldquo;too small&rdquo;, &ldquo;already a "
                    "customer&rdquo;, &ldquo;not now&rdquo;. Then read the "
                    "reasons together once a month. They tell you which rule is wrong far "
                    "faster than any report on conversion rates.",
                    "If you would like a second pair of eyes on your model, reply to this "
                    "email. A person reads every reply.",
                ),
                _articles("Before your next meeting with sales", pages[1:2] or pages[:1]),
                _button("Ask us for a fixed-price quote", _site("/lead-capture-setup/")),
                _footer(NURTURE_FOOTER.format(n="last")),
            ],
        },
    ]


# Steps: (delay, unit). An hour after the download (long enough not to crowd the email that
# delivered the playbook), then two days, then five: three notes in a week.
NURTURE_STEPS = [(1, DelayUnit.HOURS), (2, DelayUnit.DAYS), (5, DelayUnit.DAYS)]
NURTURE_NAME = "After the playbook: three notes in a week"


@dataclass
class DemoMail:
    subscribers: int
    newsletter_at: datetime.datetime | None
    enrolled: int
    nurture_at: datetime.datetime | None
    webinar_at: datetime.datetime | None


def pick_articles(slugs: list[str], count: int = 2) -> list[ArticlePage]:
    """These demo articles if they are live, else the newest live ones."""
    live = ArticlePage.objects.live().order_by("-first_published_at", "-pk")
    found = {page.slug: page for page in live.filter(slug__in=slugs)}
    pages = [found[slug] for slug in slugs if slug in found]
    for page in live:
        if len(pages) >= count:
            break
        if page not in pages:
            pages.append(page)
    return pages[:count]


def email_from(spec: dict) -> Email:
    """The demo email of this name, written once (an editor's later changes are kept)."""
    email = Email.objects.filter(name=spec["name"]).first()
    if email is None:
        email = Email(**spec)
        email.full_clean()
        email.save()
    return email


def demo_mail_settings() -> MailSettings:
    """The sender and the postal address every marketing email's footer carries; left alone
    once someone has set a sender address."""
    mail_settings = MailSettings.load()
    if not mail_settings.from_email:
        for name, value in SENDER.items():
            setattr(mail_settings, name, value)
        mail_settings.save()
    return mail_settings


@transaction.atomic
def ensure_demo_mail(ctas: dict[str, CallToAction]) -> DemoMail:
    """Everything the demo shows under Email, after the demo leads (whose subscribers and
    downloads it writes to)."""
    now = timezone.now()
    rng = random.Random(DEMO_MAIL_SEED)  # noqa: S311 - invented demo data, not a secret
    demo_mail_settings()
    newsletter = mailing_list_for(ctas[CTAKind.NEWSLETTER])
    scheduled = ensure_newsletters(rng, newsletter, now)
    enrolled = ensure_nurture(rng, ctas[CTAKind.DOWNLOAD], now)
    webinar_at = webinar_restart(ctas[CTAKind.WEBINAR], now)
    next_step = (
        Enrolment.objects.filter(
            sequence__name=NURTURE_NAME, status=EnrolmentStatus.ACTIVE, next_due_at__gt=now
        )
        .order_by("next_due_at")
        .values_list("next_due_at", flat=True)
        .first()
    )
    return DemoMail(
        subscribers=audience.list_recipients(newsletter).count(),
        newsletter_at=scheduled.scheduled_for if scheduled else None,
        enrolled=enrolled,
        nurture_at=next_step,
        webinar_at=webinar_at,
    )


# --- The newsletter -----------------------------------------------------------------------


def ensure_newsletters(rng, newsletter: MailingList, now) -> Broadcast | None:
    """Last month's issue, sent, and this month's, scheduled; written once."""
    last_email = email_from(
        last_issue(
            pick_articles(["quote-request-forms-sales-love", "gated-content-worth-an-email"])
        )
    )
    next_email = email_from(
        this_issue(
            pick_articles(["lead-scoring-without-data-science", "marketing-to-sales-handoff"])
        )
    )
    if not Broadcast.objects.filter(email=last_email).exists():
        newsletter_history(rng, newsletter, last_email, now - LAST_ISSUE_AGO)
    upcoming = Broadcast.objects.filter(email=next_email).first()
    if upcoming is None:
        upcoming = Broadcast(
            name="The Qualified Lead: the handoff issue",
            email=next_email,
            mailing_list=newsletter,
            status=BroadcastStatus.SCHEDULED,
            scheduled_for=(now + NEWSLETTER_IN).replace(second=0, microsecond=0)
            + datetime.timedelta(minutes=1),
        )
        upcoming.full_clean()
        upcoming.save()
    return upcoming if upcoming.status == BroadcastStatus.SCHEDULED else None


def newsletter_history(rng, newsletter: MailingList, email: Email, sent_at) -> Broadcast:
    """Last month's newsletter, as the workers and the provider's webhooks left it: sent to
    the subscribers of the day, most delivered, some clicked, one address bounced (and is
    suppressed since), two people unsubscribed through its link. A few people never confirmed
    their sign-up, and got nothing."""
    subscribed = Subscription.objects.filter(mailing_list=newsletter)
    never_confirmed = list(
        subscribed.filter(status=SubscriptionStatus.CONFIRMED).order_by("-requested_at")[:2]
    )
    Subscription.objects.filter(pk__in=[s.pk for s in never_confirmed]).update(
        status=SubscriptionStatus.PENDING, confirmed_at=None
    )
    recipients = list(
        audience.list_recipients(newsletter)
        .filter(subscriptions__mailing_list=newsletter, subscriptions__confirmed_at__lt=sent_at)
        .order_by("pk")
    )
    broadcast = Broadcast(
        name="The Qualified Lead: forms that earn their fields",
        email=email,
        mailing_list=newsletter,
        status=BroadcastStatus.SENT,
        scheduled_for=sent_at,
        started_at=sent_at,
        finished_at=sent_at + datetime.timedelta(minutes=2),
        audience_size=len(recipients),
    )
    broadcast.full_clean()
    broadcast.save()
    Broadcast.objects.filter(pk=broadcast.pk).update(
        created_at=sent_at - datetime.timedelta(days=2)
    )
    if not recipients:
        return broadcast
    picked = rng.sample(recipients, k=min(3, len(recipients)))
    bounced, unsubscribers = picked[:1], picked[1:]
    domain = settings.MAIL_MESSAGE_ID_DOMAIN
    sends = []
    for n, contact in enumerate(recipients):
        moment = sent_at + datetime.timedelta(seconds=2 * n)
        send = Send(
            contact=contact,
            kind=SendKind.BROADCAST,
            broadcast=broadcast,
            status=SendStatus.SENT,
            due_at=sent_at,
            claimed_at=moment,
            attempts=1,
            sent_at=moment,
        )
        send.message_id = f"<{send.reference.hex}@{domain}>"
        if contact in bounced:
            send.bounced_at = moment + datetime.timedelta(seconds=40)
        else:
            send.delivered_at = moment + datetime.timedelta(seconds=5)
        if contact in unsubscribers:
            send.unsubscribed_at = moment + datetime.timedelta(hours=rng.randint(1, 30))
        sends.append(send)
    Send.objects.bulk_create(sends)
    sends = list(broadcast.sends.select_related("contact").order_by("pk"))
    links = [
        _site(page.url)
        for block in email.body
        if block.block_type == "articles"
        for page in block.value["articles"]
        if page
    ] or [_site("/posts/")]
    clicks = []
    clicked = []
    for send in sends:
        if send.bounced_at or rng.random() > 0.3:
            continue
        first = send.sent_at + datetime.timedelta(minutes=rng.randint(3, 600))
        send.first_clicked_at = first
        clicked.append(send)
        for extra in range(rng.choice([1, 1, 2])):
            clicks.append(
                Click(
                    send=send,
                    url=links[(extra + send.pk) % len(links)],
                    clicked_at=first + datetime.timedelta(minutes=extra * 4),
                )
            )
    fakes.backdate(clicked, "first_clicked_at")
    clicks = Click.objects.bulk_create(clicks)
    if clicks and clicks[0].pk is not None:
        fakes.backdate(clicks, "clicked_at")
    else:  # backends without RETURNING: each click at its send's first click
        Click.objects.filter(send__broadcast=broadcast).update(
            clicked_at=F("send__first_clicked_at")
        )
    # The clickers' engagement (10 points a click, decaying), as a real click records it.
    for contact in {send.contact for send in clicked}:
        engagement_recompute(contact)
    for send in sends:
        if send.bounced_at:
            Suppression.objects.get_or_create(
                digest=email_digest(send.contact.email),
                defaults={
                    "email": send.contact.email,
                    "reason": SuppressionReason.BOUNCE,
                    "source": "demo provider",
                    "created_at": send.bounced_at,
                },
            )
        if send.unsubscribed_at:
            unsubscribe_in_the_past(send.contact, send.unsubscribed_at)
    return broadcast


def unsubscribe_in_the_past(contact: Contact, at) -> None:
    """What the unsubscribe link did, dated then: off every list, no marketing email, and a
    "no" in the consent ledger."""
    Contact.objects.filter(pk=contact.pk).update(unsubscribed_at=at)
    contact.subscriptions.update(status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=at)
    ConsentRecord.objects.create(
        contact=contact,
        source=ConsentSource.UNSUBSCRIBE,
        purpose=ConsentPurpose.MARKETING,
        given=False,
        text=consent_wording(UNSUBSCRIBE_WORDING.format(site=settings.WAGTAIL_SITE_NAME)),
        recorded_at=at,
    )


# --- The nurture sequence after the eBook ------------------------------------------------


def ensure_nurture(rng, download: CallToAction, now) -> int:
    """The three-step sequence a download of the playbook starts, and where the demo people
    who downloaded it in the last two weeks (and said yes to the notes) are in it."""
    sequence = Sequence.objects.filter(name=NURTURE_NAME).first()
    if sequence is not None:
        return 0
    fresh_download(rng, download, now - FRESH_DOWNLOAD_AGO)
    sequence = Sequence(
        name=NURTURE_NAME,
        description="Three short notes after a download of the Lead Scoring Playbook.",
        trigger=SequenceTrigger.CTA,
        trigger_cta=download,
    )
    sequence.full_clean()
    sequence.save()
    pages = pick_articles(["lead-scoring-without-data-science", "marketing-to-sales-handoff"])
    steps = []
    for order, (spec, (delay, unit)) in enumerate(
        zip(nurture_emails(pages), NURTURE_STEPS, strict=True)
    ):
        step = SequenceStep(sequence=sequence, email=email_from(spec), delay=delay, delay_unit=unit)
        step.sort_order = order
        step.save()
        steps.append(step)
    return nurture_history(sequence, steps, download, now)


def fresh_download(rng, download: CallToAction, received_at) -> Submission | None:
    """One more demo lead: someone who downloaded the playbook (and asked for the notes) just
    before the demo was loaded, so that the sequence's first step goes out to them a few
    minutes into `make run`. Written as the demo leads are (demo/leads.py): rows, no email."""
    key = fakes.seed_key("demo-mail", 0)
    if Submission.objects.filter(idempotency_key=key).exists():
        return None
    home = HomePage.objects.live().first()
    if home is None:
        return None
    person = fakes.invent_person(rng, number=19)
    Contact.objects.bulk_create(
        [
            Contact(
                email=normalise_email(person.email),
                name=person.name,
                company=person.company,
                phone=person.phone,
                job_title=person.job_title,
            )
        ],
        ignore_conflicts=True,
    )
    contact = Contact.objects.get(email=normalise_email(person.email))
    consent = services.consent_text_for(download, download.consent_version)
    submission = fakes.submission_for(
        rng,
        key=key,
        person=person,
        contact_id=contact.pk,
        placement=fakes.Placement(download, home, home.full_url or "/"),
        received_at=received_at,
        status=Status.NEW,
        reason="",
        owner_id=None,
        consent_id=consent.pk,
    )
    Submission.objects.bulk_create([submission])
    submission = Submission.objects.get(idempotency_key=key)
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            submission=submission,
            contact=contact,
            purpose=question.purpose,
            given=True,
            text=consent_wording(question.text or download.consent),
            recorded_at=received_at,
        )
        for question in download.question_set.consents
    )
    Delivery.objects.bulk_create(fakes.sent_deliveries(submission, random.Random(0)))  # noqa: S311
    Delivery.objects.filter(submission=submission).update(created_at=received_at)
    DownloadEvent.objects.create(submission=submission, document=download.document)
    DownloadEvent.objects.filter(submission=submission).update(
        downloaded_at=received_at + datetime.timedelta(minutes=2)
    )
    if contact.created_at > received_at:
        Contact.objects.filter(pk=contact.pk).update(created_at=received_at)
    return submission


def nurture_history(sequence: Sequence, steps: list[SequenceStep], download, now) -> int:
    """Enrolments of the recent demo downloaders who may get marketing email, each as far
    along as the time since their download takes them: steps due by now sent, the next one
    waiting (for someone who downloaded the playbook just under an hour before the demo
    started, in a few minutes)."""
    since = now - datetime.timedelta(days=14)
    downloads = (
        Submission.objects.filter(cta=download, received_at__gte=since, contact__isnull=False)
        .exclude(status=Status.SPAM)
        .order_by("received_at")
    )
    first = dict(downloads.values_list("contact_id", "pk"))
    marketable = set(
        audience.marketable(Contact.objects.filter(pk__in=first)).values_list("pk", flat=True)
    )
    received = dict(downloads.values_list("pk", "received_at"))
    enrolments, sends = [], []
    domain = settings.MAIL_MESSAGE_ID_DOMAIN
    for contact_id, submission_id in first.items():
        if contact_id not in marketable:
            continue
        due = received[submission_id]
        enrolment = Enrolment(
            sequence=sequence,
            contact_id=contact_id,
            submission_id=submission_id,
            next_step=len(steps),
            started_at=due,
        )
        for position, step in enumerate(steps):
            due = due + step.wait()
            if due > now:
                enrolment.next_step = position
                enrolment.next_due_at = due
                break
            send = Send(
                contact_id=contact_id,
                kind=SendKind.SEQUENCE,
                step=step,
                status=SendStatus.SENT,
                due_at=due,
                claimed_at=due,
                attempts=1,
                sent_at=due,
                delivered_at=due + datetime.timedelta(seconds=5),
            )
            send.message_id = f"<{send.reference.hex}@{domain}>"
            sends.append(send)
        if enrolment.next_due_at is None:
            enrolment.status = EnrolmentStatus.COMPLETED
            enrolment.ended_at = due
        enrolments.append(enrolment)
    started = {e.contact_id: e.started_at for e in enrolments}
    Enrolment.objects.bulk_create(enrolments)
    saved = {e.contact_id: e for e in sequence.enrolments.all()}
    for enrolment in saved.values():
        enrolment.started_at = started[enrolment.contact_id]
    fakes.backdate(list(saved.values()), "started_at")
    for send in sends:
        send.enrolment = saved[send.contact_id]
    Send.objects.bulk_create(sends)
    return len(saved)


# --- The webinar and its reminders -------------------------------------------------------


def webinar_restart(webinar: CallToAction, now) -> datetime.datetime | None:
    """Move the demo webinar to just after the demo starts (WEBINAR_IN), with a joining link,
    the first time and whenever it is over: its day reminder went out "yesterday" (written as
    sent), its hour reminder goes out five minutes into `make run`. Reminders for the old
    time, never sent, are cancelled by the workers (the webinar moved)."""
    starts = webinar.event_starts_at
    reminded = Send.objects.filter(
        kind=SendKind.REMINDER, webinar=webinar, event_starts_at=starts
    ).exists()
    if starts and starts > now and reminded:
        return None
    starts = (now + WEBINAR_IN).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    webinar.event_starts_at = starts
    webinar.joining_url = webinar.joining_url or WEBINAR_JOINING_URL
    webinar.save(update_fields=["event_starts_at", "joining_url", "updated_at"])
    day_before = starts - datetime.timedelta(days=1)
    domain = settings.MAIL_MESSAGE_ID_DOMAIN
    sends = []
    for contact_id in webinar.seat_holders().values_list("pk", flat=True):
        send = Send(
            contact_id=contact_id,
            kind=SendKind.REMINDER,
            webinar=webinar,
            reminder=ReminderOffset.DAY,
            event_starts_at=starts,
            status=SendStatus.SENT,
            due_at=day_before,
            claimed_at=day_before,
            attempts=1,
            sent_at=day_before,
        )
        send.message_id = f"<{send.reference.hex}@{domain}>"
        sends.append(send)
    Send.objects.bulk_create(sends, ignore_conflicts=True)
    return starts
