"""Invented submissions: what a person answered on which CTA, from which page and campaign.

Unsaved `Submission` rows for `bulk_create`; see demo/fakes/__init__.py for why seeding skips
`leads.services`.
"""

import datetime
import hashlib
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from leads.answers import BUDGETS, TIMELINES
from leads.models import CTAKind, Status, Submission
from leads.questions.definition import QuestionSet

from .history import reviewed_at
from .people import Person, typed_email

MESSAGES = [
    "We publish about 20 articles a month and capture almost no leads from them.",
    "Looking for a fixed-price setup of gated downloads and a quote form on our blog.",
    "Our sales team does not trust marketing's leads. Can you help with scoring?",
    "We need the forms to work without cookies for our EU audience.",
    "Evaluating two vendors; decision expected next quarter.",
    "Can you migrate our existing newsletter list and set up double opt-in?",
    "Please quote for a webinar funnel: registration, reminders, CRM handoff.",
    "Just exploring options for next year's budget.",
]
SEARCH_REFERRERS = ["https://www.google.com/", "https://duckduckgo.com/", "https://www.bing.com/"]
# (utm_source, utm_medium, utm_campaign): the campaigns the demo's Campaign rows pay for come
# first; the others are unpaid (newsletter issues, a partner's blog).
CAMPAIGN_TOUCHES = [
    ("linkedin", "paid-social", "spring-playbook"),
    ("google", "cpc", "lead-capture-quote"),
    ("linkedin", "paid-social", "handoff-webinar"),
    ("newsletter", "email", "qualified-lead-issue-14"),
    ("newsletter", "email", "qualified-lead-issue-15"),
    ("partner-blog", "referral", "guest-post"),
]
# How often each CTA kind is answered, relative to the others (a kind not named here: 1).
KIND_WEIGHTS = defaultdict(
    lambda: 1,
    {CTAKind.NEWSLETTER: 10, CTAKind.DOWNLOAD: 6, CTAKind.WEBINAR: 4, CTAKind.QUOTE: 3},
)
BUDGET_VALUES = [value for value, _ in BUDGETS if value]
TIMELINE_VALUES = [value for value, _ in TIMELINES if value]
# An invented answer to each form field, by name; a field not named here is left empty.
ANSWERS = {
    "name": lambda person, rng, email: person.name,
    "email": lambda person, rng, email: email,
    "company": lambda person, rng, email: person.company,
    "phone": lambda person, rng, email: person.phone,
    "budget": lambda person, rng, email: rng.choice(BUDGET_VALUES),
    "timeline": lambda person, rng, email: rng.choice(TIMELINE_VALUES),
    "message": lambda person, rng, email: rng.choice(MESSAGES),
}


def answers_for(
    questions: QuestionSet, person: Person, rng: random.Random, email: str, utm_campaign=""
) -> dict:
    """Invented answers to a form's questions, in order, as a submission stores them: known
    fields from the person, a choice from each choice question, a question shown on a
    condition only when its condition holds, and hidden fields from the visit."""
    answers = {}
    for question in questions.answers:
        if question.show_if:
            target, codes = question.show_if
            given = answers.get(target)
            given = given if isinstance(given, list) else [given]
            if not set(map(str, given)) & set(codes):
                continue
        if question.name in ANSWERS:
            answers[question.name] = ANSWERS[question.name](person, rng, email)
        elif question.fills in {"first_name", "last_name"}:
            first, _, last = person.name.partition(" ")
            answers[question.name] = first if question.fills == "first_name" else last
        elif question.type == "checkboxes":
            codes = [code for code, _ in question.choices]
            answers[question.name] = rng.sample(codes, rng.randint(1, min(2, len(codes))))
        elif question.choices:
            answers[question.name] = rng.choice(question.choices)[0]
        elif question.type == "country":
            answers[question.name] = rng.choice(["DE", "GB", "NL", "FR", "US", "ES"])
        elif question.is_hidden and question.source == "utm_campaign":
            answers[question.name] = utm_campaign
        else:
            answers[question.name] = ""
    return answers


def attribution_for(rng: random.Random, page_url: str, campaign: str = "") -> dict:
    """Submission fields for where the lead came from: about half with UTM parameters. A lead
    from a page with a campaign of its own (a landing page's) without one in its URL counts
    under the page's, as the capture path does (leads/capture/attribution.py)."""
    roll = rng.random()
    utm = dict.fromkeys(("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"), "")
    referrer, landing = "", page_url
    if roll < 0.5:
        source, medium, campaign = rng.choice(CAMPAIGN_TOUCHES)
        utm.update(utm_source=source, utm_medium=medium, utm_campaign=campaign)
        landing = f"{page_url}?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
        if medium == "paid-social":
            referrer = "https://www.linkedin.com/"
    elif roll < 0.8:
        referrer = rng.choice(SEARCH_REFERRERS)
    first_touch = {"landing_page": landing, "referrer": referrer, **utm}
    return {
        **utm,
        **({"utm_campaign": campaign} if campaign and not utm["utm_campaign"] else {}),
        "referrer": referrer,
        "landing_page": page_url,
        "first_touch": first_touch,
    }


def answered(
    cta, person: Person, rng: random.Random, email: str, page_url: str, campaign: str = ""
) -> dict:
    """A submission's attribution and its answers to the CTA's questions (a hidden campaign
    field takes the visit's utm_campaign, as the capture fills it)."""
    attribution = attribution_for(rng, page_url, campaign)
    questions = cta.question_set
    answers = answers_for(questions, person, rng, email, attribution["utm_campaign"])
    return {**attribution, "answers": answers}


def form_version_for(questions: QuestionSet) -> str:
    from leads.services.capture import form_version_for as kept

    return kept(questions)


def seed_key(label: str, number: int) -> str:
    """A submission's idempotency key for seeded rows: stable, so a re-run finds them."""
    return hashlib.sha256(f"leadsite-seed:{label}:{number}".encode()).hexdigest()


@dataclass(frozen=True)
class Placement:
    """A CTA shown on a page: where a submission can come from."""

    cta: object
    page: object
    url: str
    weight: float = 1.0
    campaign: str = ""  # the page's own utm_campaign (a landing page's)


def pick_placement(rng: random.Random, placements: Sequence[Placement]) -> Placement:
    return rng.choices(placements, [p.weight * KIND_WEIGHTS[p.cta.kind] for p in placements])[0]


def submission_for(
    rng: random.Random,
    *,
    key: str,
    person: Person,
    contact_id: int | None,
    placement: Placement,
    received_at: datetime.datetime,
    status: str,
    reason: str,
    owner_id: int | None,
    consent_id: int | None,
) -> Submission:
    email = typed_email(rng, person.email)
    cta = placement.cta
    return Submission(
        contact_id=contact_id,
        email=email,
        cta=cta,
        cta_kind=cta.kind,
        cta_title=cta.title,
        page=placement.page,
        page_title=placement.page.title if placement.page else "",
        form_version_id=form_version_for(cta.question_set),
        **answered(cta, person, rng, email, placement.url, placement.campaign),
        consent_given=True,
        consent_id=consent_id,
        consent_at=received_at,
        received_at=received_at,
        status=status,
        status_reason=reason,
        status_changed_at=None if status == Status.NEW else reviewed_at(rng, received_at),
        owner_id=owner_id,
        idempotency_key=key,
    )
