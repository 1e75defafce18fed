"""The CTA kinds registry (leads/kinds.py) is the one place a kind is described: each entry
gives what the lead path asks for, nothing else names a kind, and a kind registered here
alone (with no other product code) is offered, captured, followed up and thanked."""

import re

import pytest
from django.conf import settings
from django.core import mail

from leads import kinds
from leads.models import CallToAction, CTAKind, DeliveryKind, Submission
from leads.questions import presets
from leads.questions.definition import definition_errors, questions_from_raw
from tests import factories
from tests.factories import make_cta

TEMPLATES = settings.BASE_DIR / "templates"
FRAGMENTS_DIR = TEMPLATES / "leads" / "kinds"
# Naming a kind outside the registry: testing a CTA's (or a submission's) kind against one, or
# a CTAKind member.
NAMES_A_KIND = re.compile(r"\b(?:cta\.kind|cta_kind)\s*(?:[!=]=|in\b|not in\b)|\bCTAKind\.[A-Z]")
# The one exception: the database constraints of kinds with required fields (a migration
# writes them; leads/kinds.py says so).
CONSTRAINTS = {
    "leads/models/cta.py": [
        "condition=~Q(kind=CTAKind.DOWNLOAD) | Q(document__isnull=False),",
        "condition=~Q(kind=CTAKind.WEBINAR)",
    ]
}


def test_the_kind_choices_are_the_registrys_entries_in_order():
    entries = [(kind.value, kind.label) for kind in kinds.KINDS]
    assert CTAKind.choices == entries
    assert CallToAction._meta.get_field("kind").choices == entries
    assert Submission._meta.get_field("cta_kind").choices == entries


@pytest.mark.parametrize("kind", kinds.KINDS, ids=lambda kind: kind.value)
def test_each_kind_gives_what_the_lead_path_asks_for(kind):
    assert len(kind.value) <= CallToAction._meta.get_field("kind").max_length
    assert len(kind.value) <= Submission._meta.get_field("cta_kind").max_length
    assert kind.value.isidentifier() and kind.value.islower() and kind.value != "default"
    # The standard questions: a valid form that asks for the email the contact is keyed on.
    questions = questions_from_raw(presets.preset(kind.value))
    assert definition_errors(questions) == []
    assert questions.email_question.name == "email"
    # The button and the email subject: one line that fits.
    assert 0 < len(kind.button_label) <= CallToAction._meta.get_field("button_label").max_length
    assert "\n" not in kind.button_label
    assert "\n" not in kind.confirmation_subject.format("Offer")
    assert not (kind.subscribes and kind.holds_seats)


def test_template_fragments_belong_to_registered_kinds_and_have_defaults():
    folders = {path.name for path in FRAGMENTS_DIR.iterdir()}
    assert folders <= {"default", *kinds.BY_VALUE}
    assert {path.name for path in (FRAGMENTS_DIR / "default").iterdir()} == set(kinds.FRAGMENTS)
    for folder in folders:
        assert {path.name for path in (FRAGMENTS_DIR / folder).iterdir()} <= set(kinds.FRAGMENTS)


def product_sources():
    for app in ("leads", "blog", "leadsite"):
        for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
            if "migrations" not in path.parts and path.name != "kinds.py":
                yield path
    yield from sorted(TEMPLATES.rglob("*.html"))
    yield from sorted(TEMPLATES.rglob("*.txt"))


def test_no_product_code_or_template_names_a_kind_outside_the_registry():
    found = []
    for path in product_sources():
        name = path.relative_to(settings.BASE_DIR).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NAMES_A_KIND.search(line) and line.strip() not in CONSTRAINTS.get(name, []):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "Read the kind's entry in leads/kinds.py instead:\n" + "\n".join(found)


# A fifth kind, for these tests only: seats like a webinar, its own wording and fragments.
WORKSHOP = kinds.Kind(
    "workshop",
    "Workshop booking",
    button_label="Book my place",
    questions_like="webinar",
    confirmation_subject="Your place is booked: {}",
    holds_seats=True,
)


@pytest.fixture
def workshop(monkeypatch, settings, tmp_path):
    """Register WORKSHOP as a migration would leave it (in the fields' choices), with two
    fragments of its own in a templates folder."""
    monkeypatch.setitem(kinds.BY_VALUE, WORKSHOP.value, WORKSHOP)
    for field in (CallToAction._meta.get_field("kind"), Submission._meta.get_field("cta_kind")):
        monkeypatch.setattr(field, "choices", [*field.choices, (WORKSHOP.value, WORKSHOP.label)])
    monkeypatch.setitem(factories.ANSWERS, WORKSHOP.value, factories.ANSWERS["webinar"])
    own = tmp_path / "leads" / "kinds" / WORKSHOP.value
    own.mkdir(parents=True)
    (own / "detail.html").write_text('<p class="cta__detail">{{ cta.seat_limit }} places</p>')
    (own / "thanks.html").write_text('<p class="cta__note">See you at the workshop.</p>')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    return WORKSHOP


@pytest.mark.django_db
def test_a_kind_registered_alone_is_offered_captured_followed_up_and_thanked(
    client, post_lead, workshop
):
    cta = make_cta(workshop.value, seat_limit=1, title="Scoring clinic", headline="Scoring clinic")
    page = client.get(f"/leads/cta/{cta.pk}/").content.decode()
    assert "Book my place" in page
    assert "1 places" in page
    assert 'name="company"' in page  # its form: the webinar's

    response = post_lead(cta)
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert submission.cta_kind == workshop.value
    assert set(submission.deliveries.values_list("kind", flat=True)) == {
        DeliveryKind.NOTIFICATION,
        DeliveryKind.CONFIRMATION,
    }
    assert "Your place is booked: Scoring clinic" in [message.subject for message in mail.outbox]
    assert "See you at the workshop." in client.get(response["Location"]).content.decode()

    # Its one seat is taken: the next person is refused, as for a webinar.
    assert post_lead(cta, email="bo@acme.example").status_code == 409
    assert Submission.objects.count() == 1
