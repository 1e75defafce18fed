"""Demo calls to action, one of each kind placed on the demo articles, and the demo leads they
collected over the last 90 days. Safe to re-run."""

import datetime
import decimal
import io
import random
import uuid
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from taggit.models import Tag
from wagtail.documents.models import Document
from wagtail.models import ModelLogEntry

from blog.models import ArticlePage, HomePage

from . import fakes, services
from .models import (
    CallToAction,
    Campaign,
    Contact,
    CTAImpression,
    CTAKind,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DownloadEvent,
    Note,
    Status,
    Submission,
    Subscription,
    SubscriptionStatus,
    TopicCTA,
    normalise_email,
)

PLAYBOOK_TITLE = "The Lead Scoring Playbook"
PLAYBOOK_PAGES = [
    (
        "The Lead Scoring Playbook",
        [
            "A LeadSite demo whitepaper.",
            "",
            "1. Score what predicts a sale, not what is easy to count.",
            "2. Give a quote request more weight than a newsletter signup.",
            "3. Let engagement points decay: last year's download is not interest today.",
            "4. Write the threshold down, and agree it with sales.",
        ],
    ),
    (
        "A worked example",
        [
            "Quote request            +40",
            "Business email domain    +10",
            "Second visit this week   +5",
            "Decay (30-day half-life) -6",
            "",
            "Total: 49, under the 50-point threshold: nurture, do not call yet.",
        ],
    ),
]


def playbook_pdf() -> bytes:
    """A small, real PDF (two A5 pages of text), drawn with Pillow."""
    font = ImageFont.load_default(size=22)
    heading = ImageFont.load_default(size=36)
    pages = []
    for title, lines in PLAYBOOK_PAGES:
        page = Image.new("RGB", (874, 1240), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle([(0, 0), (874, 120)], fill=(15, 61, 62))
        draw.text((60, 40), title, font=heading, fill="white")
        for number, line in enumerate(lines):
            draw.text((60, 200 + number * 44), line, font=font, fill=(27, 27, 27))
        pages.append(page)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return buffer.getvalue()


def playbook_document() -> Document:
    document = Document.objects.filter(title=PLAYBOOK_TITLE).first()
    if document is None:
        document = Document(title=PLAYBOOK_TITLE)
        document.file.save("lead-scoring-playbook.pdf", ContentFile(playbook_pdf()), save=False)
        document.file_size = document.file.size
        document.save()
    return document


def demo_ctas() -> dict[str, CallToAction]:
    next_month = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    specs = {
        CTAKind.DOWNLOAD: {
            "title": "Lead scoring playbook (PDF)",
            "headline": "Get the Lead Scoring Playbook",
            "text": "Two pages you can hand to sales on Monday: what to score, how much, and "
            "when a lead is ready for a call.",
            "thank_you_message": "Thank you! Your playbook is ready.",
            "confirmation_email_text": "Here is the playbook you asked for. Reply to this "
            "email if you would like us to look at your own scoring model.",
            "document": playbook_document(),
        },
        CTAKind.QUOTE: {
            "title": "Free quote: lead capture setup",
            "headline": "Want this running on your site?",
            "text": "Tell us about your funnel and we will send a fixed-price quote within two "
            "working days.",
            "thank_you_message": "Thank you! We will send your quote within two working days.",
            "confirmation_email_text": "We have your request and a consultant is reading it. "
            "Expect your quote within two working days.",
        },
        CTAKind.NEWSLETTER: {
            "title": "Newsletter: The Qualified Lead",
            "headline": "The Qualified Lead, every other Tuesday",
            "text": "One practical idea on turning readers into pipeline. No tracking pixels, "
            "unsubscribe in one click.",
            "thank_you_message": "Almost there: please confirm your email address.",
        },
        CTAKind.WEBINAR: {
            "title": "Webinar: handoff that sales trusts",
            "headline": "Live: a marketing-to-sales handoff that sales trusts",
            "text": "45 minutes, one worked example, your questions answered live.",
            "thank_you_message": "Your seat is reserved. We will email you the joining link.",
            "confirmation_email_text": "Your seat is reserved. The joining link follows a day "
            "before the session.",
            "event_starts_at": next_month + datetime.timedelta(days=30),
            "seat_limit": 100,
        },
    }
    ctas = {}
    for kind, fields in specs.items():
        cta = CallToAction.objects.filter(kind=kind, title=fields["title"]).first()
        if cta is None:
            cta = CallToAction(kind=kind, **fields)
            cta.full_clean()
            cta.save()
            services.consent_text_record(cta)
        ctas[kind] = cta
    return ctas


def place_in_body(article: ArticlePage, cta: CallToAction, *, after_sections: int = 2) -> None:
    """Put the CTA in the article's body after its n-th text section, once, and publish."""
    raw = list(article.body.raw_data)
    if any(block["type"] == "cta" and block["value"] == cta.pk for block in raw):
        return
    sections = [i for i, block in enumerate(raw) if block["type"] == "section"]
    position = sections[min(after_sections, len(sections)) - 1] + 1 if sections else len(raw)
    raw.insert(position, {"type": "cta", "value": cta.pk})
    article.body = raw
    article.save_revision(log_action=True).publish()


def set_field(page, name: str, cta: CallToAction) -> None:
    if getattr(page, f"{name}_id") != cta.pk:
        setattr(page, name, cta)
        page.save_revision(log_action=True).publish()


@transaction.atomic
def ensure_demo_ctas() -> dict[str, CallToAction]:
    """The four demo CTAs, placed: in an article body, after articles, by topic, on the home."""
    ctas = demo_ctas()
    articles = {page.slug: page for page in ArticlePage.objects.all()}
    if "gated-content-worth-an-email" in articles:
        place_in_body(articles["gated-content-worth-an-email"], ctas[CTAKind.DOWNLOAD])
    if "lead-scoring-without-data-science" in articles:
        set_field(articles["lead-scoring-without-data-science"], "cta", ctas[CTAKind.DOWNLOAD])
    if "quote-request-forms-sales-love" in articles:
        set_field(articles["quote-request-forms-sales-love"], "cta", ctas[CTAKind.QUOTE])
    if "webinar-funnels" in articles:
        set_field(articles["webinar-funnels"], "cta", ctas[CTAKind.WEBINAR])
    if "marketing-to-sales-handoff" in articles:
        set_field(articles["marketing-to-sales-handoff"], "cta", ctas[CTAKind.WEBINAR])
    # Every other article on a topic gets the newsletter after its body.
    for name in ("lead generation", "content marketing"):
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is not None:
            TopicCTA.objects.get_or_create(tag=tag, defaults={"cta": ctas[CTAKind.NEWSLETTER]})
    home = HomePage.objects.first()
    if home is not None:
        set_field(home, "featured_cta", ctas[CTAKind.NEWSLETTER])
    return ctas


# Demo leads -------------------------------------------------------------------------------

DEMO_SEED = 20250401
DEMO_LEADS = 200
DEMO_DAYS = 90
# The second salesperson who owns some demo leads. No usable password: an admin sets one to
# sign in as them; until then they exist so the inbox's owner filter has someone else.
COLLEAGUE = {"username": "casey", "first_name": "Casey", "last_name": "Demo"}
# Paid campaigns whose spend the analytics view divides by their leads (utm_campaign).
DEMO_CAMPAIGNS = [
    ("spring-playbook", "Spring playbook on LinkedIn", "2400.00", 85, 25),
    ("lead-capture-quote", "Quote page on Google Ads", "1850.00", 70, None),
    ("handoff-webinar", "Handoff webinar on LinkedIn", "900.00", 40, 5),
]
# A few submissions the spam checks caught: quarantined, with no contact.
DEMO_SPAM = [
    (["honeypot"], "Cheap Leads", "bulk.offers@spam-bot.example"),
    (["link in name"], "Buy followers http://spam.example", "promo@spam-bot.example"),
    (["posted too fast"], "Seo Expert", "seo.expert@spam-bot.example"),
]


@dataclass
class DemoLeads:
    created: int
    contacts: int
    impressions: int
    campaigns: int


def demo_placements() -> list[fakes.Placement]:
    """Every CTA shown on a live demo page: in an article body, after it, or on the home page."""
    placements = []
    for article in ArticlePage.objects.live().order_by("pk"):
        shown = [block.value for block in article.body if block.block_type == "cta" and block.value]
        if article.end_cta:
            shown.append(article.end_cta)
        url = article.full_url or article.url or ""
        placements.extend(fakes.Placement(cta, article, url) for cta in shown)
    home = HomePage.objects.live().first()
    if home is not None and home.featured_cta is not None:
        # The home page is the most visited page.
        placements.append(fakes.Placement(home.featured_cta, home, home.full_url or "/", 2.0))
    return placements


def demo_sales_users() -> list:
    """The demo `sales` user (made by load_demo) and a colleague, both in the Sales group."""
    User = get_user_model()
    group = Group.objects.filter(name="Sales").first()
    sales = User.objects.filter(username="sales").first()
    if group is None or sales is None:
        return [sales] if sales else []
    colleague = User.objects.filter(username=COLLEAGUE["username"]).first()
    if colleague is None:
        colleague = User(email=f"{COLLEAGUE['username']}@example.com", **COLLEAGUE)
        colleague.set_unusable_password()
        colleague.save()
        colleague.groups.add(group)
    return [sales, colleague]


def ensure_demo_campaigns() -> int:
    today = timezone.localdate()
    for utm_campaign, name, spend, started, ended in DEMO_CAMPAIGNS:
        Campaign.objects.get_or_create(
            utm_campaign=utm_campaign,
            defaults={
                "name": name,
                "spend": decimal.Decimal(spend),
                "started_on": today - datetime.timedelta(days=started),
                "ended_on": today - datetime.timedelta(days=ended) if ended else None,
            },
        )
    return len(DEMO_CAMPAIGNS)


@transaction.atomic
def ensure_demo_leads() -> DemoLeads:
    """About 200 invented leads on the demo CTAs over the last 90 days, the newest still waiting
    for review, with owners, notes, follow-up, consent, attribution, campaign spend and CTA
    impressions, so the inbox, contact pages and analytics have something true to show.

    Seeding, not user actions: rows are written with bulk_create and never pass through the
    services, so nothing is emailed, queued or sent to the CRM. The audit-log entries the
    services would have written are added, dated when they happened. The leads are seeded once
    (found again by their idempotency keys); a second run only checks the campaigns.
    """
    campaigns = ensure_demo_campaigns()
    if Submission.objects.filter(idempotency_key=fakes.seed_key("demo", 0)).exists():
        return DemoLeads(created=0, contacts=0, impressions=0, campaigns=campaigns)
    placements = demo_placements()
    if not placements:
        return DemoLeads(created=0, contacts=0, impressions=0, campaigns=campaigns)
    rng = random.Random(DEMO_SEED)  # noqa: S311 - invented demo data, not a secret
    now = timezone.now()
    owners = demo_sales_users()
    consents = {
        p.cta.pk: services.consent_text_for(p.cta, p.cta.consent_version) for p in placements
    }

    # Who answered what, and when: a few people come back for a second or third offer.
    people: list[fakes.Person] = []
    seen: set[str] = set()
    rows = []
    for number in range(DEMO_LEADS):
        if people and rng.random() < 0.25:
            person = rng.choice(people)
        else:
            person = fakes.invent_person(rng)
            while person.email in seen:
                person = fakes.invent_person(rng)
            seen.add(person.email)
            people.append(person)
        # The newest dozen arrived in the last two days: the review queue is never empty.
        age = rng.uniform(0, 2) if number < 12 else DEMO_DAYS * rng.random() ** 1.3
        placement = fakes.pick_placement(rng, placements)
        status, reason = fakes.status_for(rng, age)
        owner = None
        if owners and (status != Status.NEW or rng.random() < 0.15) and rng.random() < 0.85:
            owner = owners[0] if rng.random() < 0.65 else owners[-1]
        rows.append(
            (number, person, placement, now - datetime.timedelta(days=age), status, reason, owner)
        )

    contacts = demo_contacts(people, rows)
    submissions = []
    for number, person, placement, received_at, status, reason, owner in rows:
        submissions.append(
            fakes.submission_for(
                rng,
                key=fakes.seed_key("demo", number),
                person=person,
                contact_id=contacts[person.email].pk,
                placement=placement,
                received_at=received_at,
                status=status,
                reason=reason,
                owner_id=owner.pk if owner else None,
                consent_id=consents[placement.cta.pk].pk,
            )
        )
    for offset, (reasons, name, email) in enumerate(DEMO_SPAM):
        placement = fakes.pick_placement(rng, placements)
        received_at = now - datetime.timedelta(days=rng.uniform(0, 20))
        spam = fakes.submission_for(
            rng,
            key=fakes.seed_key("demo", DEMO_LEADS + offset),
            person=fakes.Person(name=name, email=email, company="", phone="", job_title=""),
            contact_id=None,
            placement=placement,
            received_at=received_at,
            status=Status.SPAM,
            reason="",
            owner_id=None,
            consent_id=consents[placement.cta.pk].pk,
        )
        spam.spam_reasons = reasons
        submissions.append(spam)
    submissions = Submission.objects.bulk_create(submissions)
    if submissions and submissions[0].pk is None:  # backends without RETURNING
        keys = [s.idempotency_key for s in submissions]
        submissions = list(Submission.objects.filter(idempotency_key__in=keys))

    demo_follow_up(rng, submissions)
    demo_history(rng, submissions, owners)
    impressions = demo_impressions(rng, placements, submissions, now)
    demo_scores(contacts.values(), now)
    return DemoLeads(
        created=len(submissions),
        contacts=len(contacts),
        impressions=impressions,
        campaigns=campaigns,
    )


def demo_contacts(people, rows) -> dict[str, Contact]:
    """One contact per person (email normalised as services.contact_upsert does), first seen
    at their first submission."""
    first_seen = {}
    for _, person, _, received_at, *_ in rows:
        first_seen[person.email] = min(received_at, first_seen.get(person.email, received_at))
    emails = [normalise_email(p.email) for p in people]
    existing = {c.email: c for c in Contact.objects.filter(email__in=emails)}
    new = [
        Contact(
            email=normalise_email(p.email),
            name=p.name,
            company=p.company,
            phone=p.phone,
            job_title=p.job_title,
        )
        for p in people
        if normalise_email(p.email) not in existing
    ]
    Contact.objects.bulk_create(new)
    contacts = {c.email: c for c in Contact.objects.filter(email__in=emails)}
    fresh = [contacts[c.email] for c in new]
    for contact in fresh:
        contact.created_at = first_seen[contact.email]
    fakes.backdate(fresh, "created_at")
    return contacts


def demo_scores(contacts, now) -> None:
    """Score the demo contacts with the real rules, without alerting anyone.

    scores_recompute alerts (emails) the owner of each contact that turns hot, which seeding
    must not do. So each contact is first marked as already alerted, then scored; the mark is
    kept, with a sent hot-lead alert on record, only where the score did reach the threshold.
    """
    # A contact alerted before (a real one who also answered as a demo person) keeps its mark.
    contacts = [contact for contact in contacts if contact.hot_notified_at is None]
    latest = {}
    for submission in Submission.objects.filter(contact__in=contacts).order_by("received_at"):
        latest[submission.contact_id] = submission
    for contact in contacts:
        contact.hot_notified_at = latest[contact.pk].received_at + datetime.timedelta(minutes=5)
    fakes.backdate(contacts, "hot_notified_at")
    services.scores_recompute(contact_ids=[c.pk for c in contacts], now=now)
    cold = set(
        Contact.objects.filter(pk__in=[c.pk for c in contacts])
        .exclude(pk__in=Contact.objects.hot())
        .values_list("pk", flat=True)
    )
    Contact.objects.filter(pk__in=cold).update(hot_notified_at=None)
    alerts = [
        Delivery(
            submission=latest[contact.pk],
            kind=DeliveryKind.HOT_LEAD,
            status=DeliveryStatus.SENT,
            attempts=1,
            last_attempt_at=contact.hot_notified_at,
            done_at=contact.hot_notified_at,
        )
        for contact in contacts
        if contact.pk not in cold
    ]
    Delivery.objects.bulk_create(alerts, ignore_conflicts=True)
    Delivery.objects.filter(kind=DeliveryKind.HOT_LEAD, submission__in=latest.values()).update(
        created_at=F("done_at")
    )


def demo_follow_up(rng: random.Random, submissions: list[Submission]) -> None:
    """What the follow-up did for each lead (emails all sent, one now and then gave up),
    newsletter subscriptions, and downloads of the playbook; all dated in the past."""
    deliveries = []
    subscriptions = {}
    downloads = []
    for submission in submissions:
        if submission.status == Status.SPAM:
            continue
        deliveries.extend(fakes.sent_deliveries(submission, rng))
        if submission.cta_kind == CTAKind.NEWSLETTER:
            subscriptions.setdefault(
                (submission.contact_id, submission.cta_id),
                Subscription(
                    contact_id=submission.contact_id,
                    cta_id=submission.cta_id,
                    status=SubscriptionStatus.CONFIRMED,
                    requested_at=submission.received_at,
                    confirmed_at=submission.received_at + datetime.timedelta(minutes=20),
                ),
            )
        if submission.cta_kind == CTAKind.DOWNLOAD and rng.random() < 0.8:
            downloads.append(
                DownloadEvent(submission=submission, document_id=submission.cta.document_id)
            )
    Subscription.objects.bulk_create(subscriptions.values(), ignore_conflicts=True)
    deliveries = Delivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        delivery.created_at = delivery.submission.received_at
    DownloadEvent.objects.bulk_create(downloads)
    for download in downloads:
        download.downloaded_at = download.submission.received_at + datetime.timedelta(minutes=2)
    if deliveries and deliveries[0].pk is not None:  # backends with RETURNING
        fakes.backdate(deliveries, "created_at")
        fakes.backdate(downloads, "downloaded_at")


def demo_history(rng: random.Random, submissions: list[Submission], owners: list) -> None:
    """Notes on the leads being worked, and the audit-log entries of their assignments, status
    changes and notes (labels are "Submission #12", "Contact #3": no personal data)."""
    submission_type = ContentType.objects.get_for_model(Submission)
    contact_type = ContentType.objects.get_for_model(Contact)
    entries = []
    noted = {}
    for submission in submissions:
        if submission.owner_id:
            entries.append(
                ModelLogEntry(
                    content_type=submission_type,
                    object_id=str(submission.pk),
                    label=str(submission),
                    action="leads.assign",
                    data={"from": None, "to": submission.owner_id},
                    timestamp=submission.received_at + datetime.timedelta(minutes=30),
                    uuid=uuid.uuid4(),
                    user_id=submission.owner_id,
                )
            )
        if submission.status not in (Status.NEW, Status.SPAM):
            entries.append(fakes.status_log_entry(submission, submission_type))
        worked = submission.status in (Status.QUALIFIED, Status.HANDED_OFF, Status.WON)
        if worked and submission.owner_id and rng.random() < 0.5:
            noted.setdefault(submission.contact_id, submission)
    notes = [
        Note(contact_id=contact_id, author_id=submission.owner_id, text=rng.choice(fakes.NOTES))
        for contact_id, submission in noted.items()
    ]
    Note.objects.bulk_create(notes)
    notes = list(Note.objects.filter(contact_id__in=noted).order_by("pk"))
    for note in notes:
        written = noted[note.contact_id].status_changed_at or noted[note.contact_id].received_at
        note.created_at = note.updated_at = written
        entries.append(
            ModelLogEntry(
                content_type=contact_type,
                object_id=str(note.contact_id),
                label=f"Contact #{note.contact_id}",
                action="leads.note_add",
                data={"note": note.pk},
                timestamp=written,
                uuid=uuid.uuid4(),
                user_id=note.author_id,
            )
        )
    fakes.backdate(notes, "created_at", "updated_at")
    ModelLogEntry.objects.bulk_create(entries)


def demo_impressions(rng: random.Random, placements, submissions, now) -> int:
    """Daily CTA impression counts per CTA and page: many more views than answers, as the
    beacon would have counted them."""
    answered = Counter(
        (s.received_at.date(), s.cta_id, s.page_id) for s in submissions if s.page_id
    )
    rows = []
    today = timezone.localdate(now)
    for placement in placements:
        popularity = placement.weight * fakes.KIND_WEIGHTS[placement.cta.kind]
        for back in range(DEMO_DAYS):
            day = today - datetime.timedelta(days=back)
            views = int(rng.randint(8, 25) * popularity)
            views += answered[(day, placement.cta.pk, placement.page.pk)] * rng.randint(30, 70)
            rows.append(CTAImpression(day=day, cta=placement.cta, page=placement.page, count=views))
    # A real beacon may already have counted today: keep its row.
    CTAImpression.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
