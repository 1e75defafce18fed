"""Lead scoring: a contact's points and their explanation, from the scoring rules.

Pure computation, no database: `services.contact_score_refresh` and `scores_recompute` read
the rules, the settings and the submissions, call `compute`, and store the result.

How each kind of rule counts (also shown to sales next to the rules in the admin):

- **CTA kind**: once per live, non-spam submission of that kind (two downloads, twice).
- **Repeat engagement**: once per submission after the contact's first.
- A CTA answered again by the same contact within REPEAT_WINDOW (a day) of the last time it
  counted is not a new engagement: four downloads in one second, or a form sent twice, count
  once for both rules above (and so cannot push a contact over the hot-lead threshold).
- **Email domain**: once. "free" if the domain is in Settings > Scoring settings or is a
  subdomain of one (``eu.gmail.com``); any other domain is "business".
- **Answer**: once per answer field (once per code ticked, for a multiple choice), from the
  latest submission that answered it: plans
  change ("budget over $50k" last spring, "$5k to $20k" now), and counting every answer ever
  given would reward repeating a form.

Rules marked "decays" lose half their points every half-life, measured from the submission
they count for. The domain rule belongs to the person, not to an engagement, so it never
decays. A contact with no live, non-spam submission scores 0.

The explanation lists each rule's full (undecayed) points, grouped by label with a count
("Download ×2 +30"), largest first, then one "Decay −N" line for what time took away, so the
lines always add up to the score.
"""

# The docstrings show explanations as sales read them: the times sign, the real minus sign.
# ruff: noqa: RUF002

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .models import ScoringSignal, Status

# The same CTA answered again within this time counts once (see the module docstring).
REPEAT_WINDOW = datetime.timedelta(hours=24)
MINUS = "\u2212"  # the real minus sign, for display
TIMES = "\u00d7"
DECAY_LABEL = "Decay"


class Rule(Protocol):
    signal: str
    field: str
    value: str
    points: int
    label: str
    decays: bool


class Engagement(Protocol):
    """What scoring reads of a submission."""

    cta_id: int | None  # None: the CTA was deleted; then each submission counts
    cta_kind: str
    answers: Mapping
    received_at: datetime.datetime
    status: str
    erased_at: datetime.datetime | None


@dataclass(frozen=True)
class Score:
    points: int
    explanation: list[tuple[str, int]] = field(default_factory=list)

    def __str__(self) -> str:
        return explain(self.explanation)


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def domain_class(domain: str, free_domains: Iterable[str]) -> str:
    """'free' for a free-mail domain or any subdomain of one, else 'business'."""
    free = set(free_domains)
    parts = domain.split(".")
    if any(".".join(parts[i:]) in free for i in range(len(parts))):
        return "free"
    return "business"


def decay_factor(age_days: float, half_life_days: float) -> float:
    """1 for an engagement today, 0.5 after one half-life, 0.25 after two..."""
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def round_half_up(value: float) -> int:
    """Python's round() rounds 2.5 to 2; people expect 3."""
    return math.floor(value + 0.5)


def normalise_answer(value) -> str:
    return str(value).strip().lower()


def compute(
    *,
    domain: str,
    submissions: Iterable[Engagement],
    rules: Iterable[Rule],
    half_life_days: float,
    free_domains: Iterable[str],
    now: datetime.datetime,
) -> Score:
    """The score of one contact, with the explanation of every point."""
    engagements = sorted(
        (s for s in submissions if s.erased_at is None and s.status != Status.SPAM),
        key=lambda s: s.received_at,
    )
    if not engagements:
        return Score(0)
    rules = list(rules)
    by_kind = {r.value: r for r in rules if r.signal == ScoringSignal.CTA_KIND}
    repeats = [r for r in rules if r.signal == ScoringSignal.REPEAT]
    answer_rules = {
        (normalise_answer(r.field), normalise_answer(r.value)): r
        for r in rules
        if r.signal == ScoringSignal.ANSWER
    }
    domain_rules = {r.value: r for r in rules if r.signal == ScoringSignal.EMAIL_DOMAIN}

    full: dict[str, list[int]] = {}  # label -> [count, undecayed points]
    total = 0.0

    def count(rule: Rule, at: datetime.datetime | None) -> None:
        nonlocal total
        entry = full.setdefault(rule.label, [0, 0])
        entry[0] += 1
        entry[1] += rule.points
        if rule.decays and at is not None:
            age_days = (now - at).total_seconds() / 86400
            total += rule.points * decay_factor(age_days, half_life_days)
        else:
            total += rule.points

    latest_answers: dict[str, tuple[frozenset[str], datetime.datetime]] = {}
    position = 0
    counted_at: dict[int, datetime.datetime] = {}  # CTA id -> when it last counted
    for submission in engagements:
        cta_id = getattr(submission, "cta_id", None)
        last = counted_at.get(cta_id)
        if last is None or submission.received_at - last >= REPEAT_WINDOW:
            if cta_id is not None:
                counted_at[cta_id] = submission.received_at
            if rule := by_kind.get(submission.cta_kind):
                count(rule, submission.received_at)
            if position:
                for rule in repeats:
                    count(rule, submission.received_at)
            position += 1
        for name, value in (submission.answers or {}).items():
            if value not in (None, "", [], {}):
                # Later submissions overwrite earlier ones: the latest answer counts. A multiple
                # choice (a list of codes) scores for each code it holds.
                codes = value if isinstance(value, list) else [value]
                latest_answers[normalise_answer(name)] = (
                    frozenset(normalise_answer(code) for code in codes),
                    submission.received_at,
                )
    for name, (codes, at) in latest_answers.items():
        for code in sorted(codes):
            if rule := answer_rules.get((name, code)):
                count(rule, at)
    if domain and (rule := domain_rules.get(domain_class(domain, free_domains))):
        count(rule, None)

    points = round_half_up(total)
    lines = [
        (f"{label} {TIMES}{n}" if n > 1 else label, undecayed)
        for label, (n, undecayed) in full.items()
        if undecayed
    ]
    lines.sort(key=lambda line: (-line[1], line[0]))
    decay = points - sum(undecayed for _, undecayed in lines)
    if decay:
        lines.append((DECAY_LABEL, decay))
    return Score(points, lines)


def signed(points: int) -> str:
    """+40, −6 (with the real minus sign), +0."""
    return f"{MINUS}{-points}" if points < 0 else f"+{points}"


def explain(explanation: Iterable) -> str:
    """'Quote request +40, Business domain +10, Decay −6' from [(label, points), ...] (as
    stored in Contact.score_explanation, where the pairs are lists)."""
    return ", ".join(f"{label} {signed(points)}" for label, points in explanation)
