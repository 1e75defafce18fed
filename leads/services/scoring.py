"""Scoring writes: recompute a contact's score (one, or all in batches) and alert the owner
once when the lead turns hot.

The points themselves are computed by leads/scoring.py from the rules; this module reads the
inputs, stores the result and writes the hot-lead alert as a delivery (sent by the outbox).
See docs/leads.md ("Scoring").
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .. import audit
from ..models import (
    Contact,
    Delivery,
    DeliveryKind,
    ScoringRule,
    ScoringSettings,
    Status,
    Submission,
)
from ..scoring import Score, compute, email_domain
from . import outbox

# Contacts scored per query and bulk update: memory stays flat on 100k contacts.
SCORE_BATCH = 500


def scored_submissions():
    """What scoring reads of submissions (scoring.compute also skips spam and erased ones)."""
    return (
        Submission.objects.live()
        .exclude(status=Status.SPAM)
        .only("contact", "cta", "cta_kind", "answers", "received_at", "status", "erased_at")
    )


@dataclass
class ScoringInputs:
    rules: list[ScoringRule]
    settings: ScoringSettings
    free_domains: frozenset[str]

    @classmethod
    def load(cls) -> "ScoringInputs":
        config = ScoringSettings.load()
        return cls(list(ScoringRule.objects.all()), config, config.free_domains())

    def score(self, contact: Contact, submissions, now: datetime.datetime) -> Score:
        return compute(
            domain=email_domain(contact.email),
            submissions=submissions,
            rules=self.rules,
            half_life_days=self.settings.half_life_days,
            free_domains=self.free_domains,
            now=now,
        )

    def is_hot(self, contact: Contact, score: Score) -> bool:
        return self.settings.is_hot(score.points) and contact.hot_notified_at is None


def score_apply(contact: Contact, score: Score, now: datetime.datetime) -> None:
    contact.score = score.points
    contact.score_explanation = [[label, points] for label, points in score.explanation]
    contact.score_computed_at = now


def contact_score_refresh(*, contact: Contact, now: datetime.datetime | None = None) -> Contact:
    """Recompute one contact's score and explanation; alert the owner once if it became hot."""
    now = now or timezone.now()
    inputs = ScoringInputs.load()  # reads before the transaction (SQLite's write lock)
    submissions = list(scored_submissions().filter(contact=contact))
    score = inputs.score(contact, submissions, now)
    with transaction.atomic():
        score_apply(contact, score, now)
        # update(), not save(): the capture path may be updating the person's details now.
        Contact.objects.filter(pk=contact.pk).update(
            score=contact.score,
            score_explanation=contact.score_explanation,
            score_computed_at=now,
        )
        if inputs.is_hot(contact, score):
            contact_hot_alert(contact=contact, now=now)
    return contact


def scores_recompute(*, contact_ids=None, now: datetime.datetime | None = None) -> int:
    """Recompute the scores of the given contacts (all if None), in batches; returns how many.

    Run by a task when the rules or settings change, and daily (`manage.py score_contacts`)
    so that decay shows. Contacts that became hot are alerted, once each.
    """
    now = now or timezone.now()
    inputs = ScoringInputs.load()
    contacts = Contact.objects.order_by("pk").only("pk", "email", "hot_notified_at")
    if contact_ids is not None:
        contacts = contacts.filter(pk__in=list(contact_ids))
    done, last_pk = 0, 0
    while batch := list(contacts.filter(pk__gt=last_pk)[:SCORE_BATCH]):
        last_pk = batch[-1].pk
        by_contact: dict[int, list[Submission]] = {}
        for submission in scored_submissions().filter(contact__in=[c.pk for c in batch]):
            by_contact.setdefault(submission.contact_id, []).append(submission)
        hot = []
        for contact in batch:
            score = inputs.score(contact, by_contact.get(contact.pk, []), now)
            score_apply(contact, score, now)
            if inputs.is_hot(contact, score):
                hot.append(contact)
        with transaction.atomic():
            Contact.objects.bulk_update(batch, ["score", "score_explanation", "score_computed_at"])
            for contact in hot:
                contact_hot_alert(contact=contact, now=now)
        done += len(batch)
    return done


def contact_hot_alert(*, contact: Contact, now: datetime.datetime) -> Delivery | None:
    """Alert the contact's owner (or the sales inbox) that the lead is hot: once per contact.

    The conditional UPDATE makes two processes scoring the same contact alert once. The alert
    is a Delivery of the contact's latest submission, so it is sent and retried like the
    lead's other emails. Call inside a transaction.
    """
    latest = scored_submissions().filter(contact=contact).order_by("-received_at", "-pk").first()
    if latest is None:
        return None
    claimed = Contact.objects.filter(pk=contact.pk, hot_notified_at__isnull=True).update(
        hot_notified_at=now
    )
    if not claimed:
        return None
    contact.hot_notified_at = now
    delivery, created = Delivery.objects.get_or_create(
        submission=latest, kind=DeliveryKind.HOT_LEAD
    )
    log(contact, audit.HOT_LEAD, data={"score": contact.score, "delivery": delivery.pk})
    if created:
        outbox.send([delivery])
    return delivery
