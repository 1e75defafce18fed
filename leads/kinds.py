"""The CTA kinds (download, quote, newsletter, webinar): one entry each, read by every part
of the lead path that differs by kind. `CTAKind`, the model field's choices, is built from it.

A kind's entry names its default button label, its confirmation email subject and the
behaviour the capture and follow-up give it (a seat to reserve, a subscription to confirm, a
gated document to link). Its standard questions, which a new CTA of the kind starts with and
editors may change, are in leads/questions/presets.py. What a kind shows differently lives in
optional template fragments under `templates/leads/kinds/<value>/`, which override those in
`templates/leads/kinds/default/` (see `FRAGMENTS`). docs/leads.md, "Adding a CTA kind", walks
through adding one.

Adding a kind changes the choices of `CallToAction.kind` and `Submission.cta_kind`: it needs a
migration (`makemigrations leads`). A kind with fields of its own that it cannot do without
also adds a `CheckConstraint` on `CallToAction` in that migration, as downloads
(`cta_download_has_document`) and webinars (`cta_webinar_has_date_and_seats`) have.
"""

from dataclasses import dataclass

from django.db import models

# The template fragments a kind may override, in templates/leads/kinds/<value>/<name>:
FRAGMENTS = {
    "detail.html": "the CTA box, under its text: what the offer is (the document, the date)",
    "form.html": "the CTA box, in place of the form: the form, or why it is closed",
    "thanks.html": "the thank-you, under its message: what happens next",
    "confirmation.html": "the confirmation email (HTML), under its text",
    "confirmation.txt": "the confirmation email (plain text), under its text",
}


@dataclass(frozen=True)
class Kind:
    """One kind of call to action, and everything the lead path does differently for it."""

    value: str  # stored in CallToAction.kind and Submission.cta_kind, e.g. "quote"
    label: str  # its choice label, e.g. "Quote request"
    button_label: str  # the button's text when the CTA leaves it blank
    # The subject of the email to the person (confirmation, or opt-in for a kind that
    # subscribes) when the CTA leaves its own blank; {} is the CTA's internal name.
    confirmation_subject: str = "Thank you for your interest in {}"
    short_label: str = ""  # one word where room is short (the inbox), e.g. "Quote"; or label
    # The kind whose standard questions (leads/questions/presets.py) a new CTA of this kind
    # starts with, when it has none of its own there: e.g. "webinar" for a workshop.
    questions_like: str = ""
    # Follow-up: the reader's email is the double opt-in to a subscription (leads/services/
    # subscriptions.py), sent while the subscription is unconfirmed, instead of a confirmation.
    subscribes: bool = False
    # Capture: each reader takes one seat of the CTA's seat_limit, until its event_starts_at.
    holds_seats: bool = False
    # The CTA's document is sent through signed links (thank-you page, confirmation email).
    gated_document: bool = False

    @property
    def name(self) -> str:
        """The member's name in `CTAKind`, e.g. CTAKind.QUOTE."""
        return self.value.upper()

    def fragment(self, name: str) -> list[str]:
        """The template names to try for one of `FRAGMENTS`: this kind's own, then the
        default."""
        return [f"leads/kinds/{self.value}/{name}", f"leads/kinds/default/{name}"]


KINDS = (
    Kind(
        "download",
        "Download (gated eBook or whitepaper)",
        short_label="Download",
        button_label="Download Now",
        confirmation_subject="Your copy of {}",
        gated_document=True,
    ),
    Kind(
        "quote",
        "Quote request",
        short_label="Quote",
        button_label="Get Your Free Quote",
        confirmation_subject="We received your quote request",
    ),
    Kind(
        "newsletter",
        "Newsletter signup",
        short_label="Newsletter",
        button_label="Subscribe",
        confirmation_subject="Please confirm your subscription to {}",
        subscribes=True,
    ),
    Kind(
        "webinar",
        "Webinar registration",
        short_label="Webinar",
        button_label="Reserve my seat",
        confirmation_subject="Your seat for {}",
        holds_seats=True,
    ),
)

BY_VALUE = {kind.value: kind for kind in KINDS}


def get(value: str) -> Kind:
    """The entry of a kind by its stored value; KeyError for a kind no longer registered."""
    return BY_VALUE[value]


def short_label(value: str) -> str:
    """A stored kind's one-word label ("Quote"); the stored value for a kind no longer
    registered."""
    kind = BY_VALUE.get(value)
    return (kind.short_label or kind.label) if kind else value


def fragment(value: str, name: str) -> list[str]:
    """`Kind.fragment` for a stored kind value; only the default for an unknown one."""
    kind = BY_VALUE.get(value)
    return kind.fragment(name) if kind else [f"leads/kinds/default/{name}"]


# The model fields' choices: one member per kind, in registry order (CTAKind.QUOTE == "quote").
CTAKind = models.TextChoices(
    "CTAKind",
    [(kind.name, (kind.value, kind.label)) for kind in KINDS],
    module=__name__,
    qualname="CTAKind",
)

DEFAULT_BUTTON_LABELS = {CTAKind(kind.value): kind.button_label for kind in KINDS}


def button_label_help() -> str:
    """The button label field's help text, naming each kind's default."""
    labels = [f"'{kind.button_label}'" for kind in KINDS]
    listed = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"Leave blank for the default: {listed}."


def email_subject_help() -> str:
    """The email subject field's help text, naming each kind's default."""
    defaults = "; ".join(
        f"{kind.label.split(' (')[0]}: '{kind.confirmation_subject.format('<internal name>')}'"
        for kind in KINDS
    )
    return f"The subject of the email the person receives. Leave blank for the default: {defaults}."
