"""One vocabulary for what people answered: the label of each question and of each choice.

Submissions store answers as the form cleaned them (`{"budget": "5k-20k"}`); people read them
as the form showed them ("Budget: $5,000 to $20,000"). Every screen, email, export and scoring
rule that shows an answer goes through this module, so a code never reaches a reader.
"""

from dataclasses import dataclass

from django.apps import apps
from django_countries import countries

from .questions.definition import CHOICE_TYPES, Vocabulary

# The choices of the quote form, as (stored code, what the reader saw).
BUDGETS = [
    ("under-5k", "Under $5,000"),
    ("5k-20k", "$5,000 to $20,000"),
    ("20k-50k", "$20,000 to $50,000"),
    ("over-50k", "Over $50,000"),
    ("unsure", "Not sure yet"),
]
TIMELINES = [
    ("now", "As soon as possible"),
    ("quarter", "Within 3 months"),
    ("half", "Within 6 months"),
    ("exploring", "Just exploring"),
]

# What each kind of lead is called in a sentence ("A new quote request arrived") and, capitalised,
# on its own ("Quote request +40"). The kind registry's labels describe the CTA to editors
# ("Download (gated ebook or whitepaper)"), which reads badly in a subject or a score.
KIND_NOUNS = {
    "quote": "quote request",
    "download": "download",
    "webinar": "webinar registration",
    "newsletter": "newsletter signup",
}

# Each answer's question, in the order a reader of a lead wants them: what they asked for
# first, who they are after.
FIELD_LABELS = {
    "message": "Message",
    "budget": "Budget",
    "timeline": "Timeline",
    "phone": "Phone",
    "name": "Name",
    "email": "Email",
    "company": "Company",
    "job_title": "Job title",
}
CHOICES: dict[str, dict[str, str]] = {
    "budget": dict(BUDGETS),
    "timeline": dict(TIMELINES),
}
# Each consent purpose as a column or a line names it ("Consent: Marketing email"); the form
# editor's labels explain more than a heading holds.
PURPOSE_LABELS = {
    "request": "Answering this request",
    "marketing": "Marketing email",
    "partner": "Sharing with a partner",
}
# Who the person is: shown with the contact, not repeated with each submission's answers.
IDENTITY_FIELDS = frozenset({"name", "email", "company"})


# A form version's vocabulary (leads/questions/definition.py): labels in form order, types.
FormVocabulary = Vocabulary


# Leads from before the form builder have no form version: they read with the fixed forms'.
LEGACY = FormVocabulary(
    {name: (label, CHOICES.get(name, {})) for name, label in FIELD_LABELS.items()}
)


def vocabulary_of(submission) -> Vocabulary:
    """The words a submission's answers read with: its form version's, else the legacy ones.
    Load submissions with `select_related("form_version")` to avoid a query each."""
    if getattr(submission, "form_version_id", None):
        return submission.form_version.vocabulary
    return LEGACY


def _entry(name: str, vocabulary: Vocabulary | None):
    vocabulary = vocabulary or LEGACY
    return vocabulary.labels.get(name) or LEGACY.labels.get(name)


def field_label(name: str, vocabulary: Vocabulary | None = None) -> str:
    """The question's label: "Budget" for `budget`, the form version's label for a built
    form's question; an unknown field reads as its name."""
    entry = _entry(name, vocabulary)
    return (entry[0] if entry else "") or name.replace("_", " ").capitalize()


def value_label(name: str, value, vocabulary: Vocabulary | None = None) -> str:
    """The answer as the reader chose it: a choice's label (a list of them joined), a
    country's name, Yes/No for a tick box, else the text itself. A code no longer offered is
    shown as stored rather than hidden."""
    if isinstance(value, bool):
        return yes_no(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value_label(name, item, vocabulary) for item in value)
    if getattr(vocabulary, "types", {}).get(name) == "country" and value:
        return countries.name(str(value)) or str(value)
    entry = _entry(name, vocabulary)
    return (entry[1] if entry else {}).get(str(value), str(value))


def yes_no(value) -> str:
    return "Yes" if value else "No"


def labelled(
    answers: dict, vocabulary: Vocabulary | None = None, *, skip=frozenset(), blank=False
) -> list[tuple[str, str]]:
    """[(question, answer)] in reading order, leaving out the fields in `skip` and, unless
    `blank`, unanswered questions.

    With a form version's `vocabulary`, the form's order and labels; without, the legacy
    order (`FIELD_LABELS`). Answers the vocabulary does not know follow, by name."""
    vocabulary = vocabulary or LEGACY
    order = {name: index for index, name in enumerate(vocabulary.labels)}
    names = sorted(
        (name for name in answers if name not in skip),
        key=lambda name: (order.get(name, len(order)), name),
    )
    rows = [
        (field_label(name, vocabulary), value_label(name, answers[name], vocabulary))
        for name in names
    ]
    return rows if blank else [(label, value) for label, value in rows if value]


def submission_answers(submission, *, skip=frozenset(), blank=False) -> list[tuple[str, str]]:
    """A submission's answers under its own form version's words (`labelled`)."""
    return labelled(submission.answers or {}, vocabulary_of(submission), skip=skip, blank=blank)


def as_text(rows: list[tuple[str, str]]) -> str:
    """Labelled answers on one line: "Budget: Over $50,000; Timeline: Just exploring"."""
    return "; ".join(question_and_choice(label, value) for label, value in rows)


@dataclass(frozen=True)
class ChoiceField:
    """A question whose answers are picked from a list, as filters and scoring rules offer it."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...]
    multiple: bool = False  # checkboxes: the answer is a list of codes


def choice_questions() -> list[ChoiceField]:
    """Every choice question of every CTA's current questions (dropdown, radio, checkboxes),
    then the legacy ones (budget, timeline): one entry per stored name, its choices the union
    of every CTA's, labelled as the first CTA (by name) asks it. Read at each call: editors
    change questions while sales work (memoised, forgotten when a CTA or a property is saved)."""
    from . import memo

    return memo.choice_questions.get("all", _choice_questions)


def _choice_questions() -> list[ChoiceField]:
    # From the app registry: the models read answers through this module, so it cannot
    # import them.
    CallToAction = apps.get_model("leads", "CallToAction")
    found: dict[str, dict] = {}
    ctas = CallToAction.objects.order_by("title", "pk").only("pk", "kind", "questions")
    for cta in ctas:
        for question in cta.question_set.questions:
            if question.type not in CHOICE_TYPES:
                continue
            entry = found.setdefault(
                question.name, {"label": question.label, "choices": {}, "multiple": False}
            )
            entry["multiple"] |= question.type == "checkboxes"
            for code, label in question.choices:
                entry["choices"].setdefault(code, label)
    for name, choices in CHOICES.items():
        entry = found.setdefault(
            name, {"label": field_label(name), "choices": {}, "multiple": False}
        )
        for code, label in choices.items():
            entry["choices"].setdefault(code, label)
    return [
        ChoiceField(name, entry["label"], tuple(entry["choices"].items()), entry["multiple"])
        for name, entry in found.items()
        if entry["choices"]
    ]


def choice_fields() -> dict[str, list[tuple[str, str]]]:
    """Fields whose answers are choices, {name: [(code, label)]}: what scoring rules and
    filters offer to pick from (`choice_questions`)."""
    return {question.name: list(question.choices) for question in choice_questions()}


def current_vocabulary() -> FormVocabulary:
    """The words of every CTA's current choice questions and the legacy ones: how a filter or
    a scoring rule names an answer that is not tied to one submission."""
    return FormVocabulary({q.name: (q.label, dict(q.choices)) for q in choice_questions()})


def purpose_label(purpose: str) -> str:
    """A consent purpose in words: "Marketing email" for `marketing`."""
    return PURPOSE_LABELS.get(purpose) or purpose.replace("_", " ").capitalize()


def property_rows(contact) -> list[tuple[str, str]]:
    """A contact's other details (`Contact.properties`) as [(label, value)], under the labels
    of the built-in properties and of those sales managers added, choices as their labels, in
    the properties' order; a property since removed reads under its key. One query."""
    from .questions.properties import COLUMNS, contact_properties

    ContactProperty = contact_properties()

    props = {
        key: value
        for key, value in (contact.properties or {}).items()
        if value not in (None, "", [])
    }
    if not props:
        return []
    known = {prop.key: prop for prop in ContactProperty.objects.all()}
    labels = {**COLUMNS, **{key: prop.label for key, prop in known.items()}}
    order = {key: index for index, key in enumerate(labels)}
    rows = []
    for key in sorted(props, key=lambda key: (order.get(key, len(order)), key)):
        words = dict(known[key].choice_pairs) if key in known else {}
        value = props[key]
        items = value if isinstance(value, list) else [value]
        text = ", ".join(words.get(str(item), str(item)) for item in items)
        rows.append((labels.get(key) or key.replace("_", " ").capitalize(), text))
    return rows


def kind_noun(kind: str) -> str:
    """The CTA kind as a noun in a sentence: "quote request" for `quote`."""
    return KIND_NOUNS.get(kind) or kind.replace("_", " ")


def choice_label(name: str, value, vocabulary: Vocabulary | None = None) -> str:
    """A choice with its question, as a rule or a filter names it: "Budget: Over $50,000"."""
    return question_and_choice(field_label(name, vocabulary), value_label(name, value, vocabulary))


def question_and_choice(question: str, choice: str) -> str:
    """ "Company size: 11-50 people"; a question that ends in its own punctuation is not given
    a colon too ("What interests you? Email")."""
    if question.rstrip().endswith(("?", ":", "!")):
        return f"{question.rstrip()} {choice}"
    return f"{question}: {choice}"
