"""The conditions a segment is made of, and the contacts they select.

A segment's `conditions` is a list of {"field": ..., "value": ...} (properties add a "key"),
every one of which must hold. Each field below says what it matches and what its value is; the
admin builds its form from this table (mailings/admin/segments.py). Conditions on submissions
match a contact with at least one such submission (quarantined spam never counts).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from blog.models import ArticlePage
from leads.models import Contact, Status, Submission, Subscription, SubscriptionStatus

from .models import Send


@dataclass(frozen=True)
class Field:
    label: str
    value_kind: str  # "status", "int", "text", "kind", "cta", "topic", "list", "property"
    match: Callable[[object, str], Q]  # (value, key) -> a Q on Contact
    help: str = ""


def _submitted(**lookups) -> Q:
    submissions = Submission.objects.exclude(status=Status.SPAM).filter(
        contact__isnull=False, **lookups
    )
    return Q(pk__in=submissions.values("contact"))


def _days_ago(days) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=int(days))


def _clickers(days):
    return Send.objects.filter(first_clicked_at__gte=_days_ago(days)).values("contact")


BUILT_IN_PROPERTIES = {"name", "company", "job_title", "phone", "country"}


def _property(value, key) -> Q:
    if key in BUILT_IN_PROPERTIES:
        return Q(**{f"{key}__iexact": value})
    return Q(**{f"properties__{key}": value})


FIELDS: dict[str, Field] = {
    "status": Field("Has a lead in status", "status", lambda v, k: _submitted(status=v)),
    "score_at_least": Field("Score at least", "int", lambda v, k: Q(score__gte=int(v))),
    "score_below": Field("Score below", "int", lambda v, k: Q(score__lt=int(v))),
    "kind": Field("Answered a CTA of kind", "kind", lambda v, k: _submitted(cta_kind=v)),
    "cta": Field("Answered the CTA", "cta", lambda v, k: _submitted(cta_id=int(v))),
    "topic": Field(
        "Answered on an article about",
        "topic",
        lambda v, k: _submitted(page_id__in=ArticlePage.objects.filter(tags__slug=v).values("pk")),
        help="A topic's slug, e.g. 'landing-pages'.",
    ),
    "utm_campaign": Field(
        "Came from campaign", "text", lambda v, k: _submitted(utm_campaign__iexact=v)
    ),
    "utm_source": Field(
        "Came from UTM source", "text", lambda v, k: _submitted(utm_source__iexact=v)
    ),
    "utm_medium": Field(
        "Came from UTM medium", "text", lambda v, k: _submitted(utm_medium__iexact=v)
    ),
    "submitted_within_days": Field(
        "Answered a CTA in the last (days)",
        "int",
        lambda v, k: _submitted(received_at__gte=_days_ago(v)),
    ),
    "property": Field(
        "Contact property is",
        "property",
        _property,
        help="A property's key (e.g. 'company_size' or 'country') and the value it must have.",
    ),
    "list": Field(
        "Is subscribed to",
        "list",
        lambda v, k: Q(
            pk__in=Subscription.objects.filter(
                mailing_list_id=int(v), status=SubscriptionStatus.CONFIRMED
            ).values("contact")
        ),
    ),
    "clicked_within_days": Field(
        "Clicked an email in the last (days)",
        "int",
        lambda v, k: Q(pk__in=_clickers(v)),
    ),
    "no_click_within_days": Field(
        "Clicked no email in the last (days)",
        "int",
        lambda v, k: ~Q(pk__in=_clickers(v)),
    ),
    "engagement_at_least": Field(
        "Email engagement at least (points)",
        "int",
        lambda v, k: Q(pk__in=Contact.objects.engaged(int(v)).values("pk")),
        help="10 points a click in our emails, halving every 30 days (mailings/engagement.py).",
    ),
}


def condition_q(condition: dict) -> Q:
    """One condition as a filter on contacts; ValidationError for one that cannot be read."""
    field = FIELDS.get(condition.get("field"))
    if field is None:
        raise ValidationError(f"Unknown condition: {condition.get('field')!r}.")
    value, key = condition.get("value"), condition.get("key", "")
    if value in (None, ""):
        raise ValidationError(f"“{field.label}” needs a value.")
    if field.value_kind == "int":
        try:
            int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"“{field.label}” needs a whole number.") from None
    if field.value_kind == "property" and not key:
        raise ValidationError(f"“{field.label}” needs a property.")
    return field.match(value, key)


def segment_contacts(segment):
    """The contacts the segment's conditions select (all of them must hold). Every condition
    on a related table is a subquery, so no contact appears twice."""
    contacts = Contact.objects.all()
    for condition in segment.conditions:
        contacts = contacts.filter(condition_q(condition))
    return contacts
