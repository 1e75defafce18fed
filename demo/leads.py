"""The demo leads: about 200 invented leads on the demo CTAs over the last 90 days, with
owners, consent, attribution, campaign spend and daily CTA impressions, so the inbox, contact
pages and analytics have something true to show. Safe to re-run.

The people and their answers come from demo/fakes/; what happened to the leads afterwards
(scores, follow-up, notes, audit log) from demo/history.py.
"""

import datetime
import decimal
import random
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from blog.models import ArticlePage, HomePage, LandingPage
from leads import services
from leads.models import Campaign, Contact, CTAImpression, Status, Submission, normalise_email

from . import fakes
from .history import demo_consents, demo_follow_up, demo_history, demo_scores

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
    """Every CTA shown on a live demo page: in an article body, after it, on the home page or
    on a landing page."""
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
    # Campaign landing pages: paid traffic, whose leads count under the page's campaign.
    for page in LandingPage.objects.live().select_related("cta", "campaign").order_by("pk"):
        if page.cta is not None:
            url = page.full_url or page.url or ""
            placements.append(fakes.Placement(page.cta, page, url, 1.5, page.lead_campaign))
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
    # Its own random stream: the ledger came later, and must not change the leads before it.
    demo_consents(random.Random(DEMO_SEED + 1), submissions)  # noqa: S311 - demo data
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
