"""One vocabulary for what people answered: the label of each question and of each choice.

Submissions store answers as the form cleaned them (`{"budget": "5k-20k"}`); people read them
as the form showed them ("Budget: $5,000 to $20,000"). Every screen, email, export and scoring
rule that shows an answer goes through this module, so a code never reaches a reader.
"""

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
# Who the person is: shown with the contact, not repeated with each submission's answers.
IDENTITY_FIELDS = frozenset({"name", "email", "company"})


def field_label(name: str) -> str:
    """The question's label: "Budget" for `budget`; an unknown field reads as its name."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


def value_label(name: str, value) -> str:
    """The answer as the reader chose it: a choice's label, Yes/No for a tick box, else the
    text itself. A code no longer offered is shown as stored rather than hidden."""
    if isinstance(value, bool):
        return yes_no(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value_label(name, item) for item in value)
    return CHOICES.get(name, {}).get(str(value), str(value))


def yes_no(value) -> str:
    return "Yes" if value else "No"


def labelled(answers: dict, *, skip=frozenset(), blank=False) -> list[tuple[str, str]]:
    """[(question, answer)] in reading order (`FIELD_LABELS`, then any other field by name),
    leaving out the fields in `skip` and, unless `blank`, unanswered questions."""
    order = {name: index for index, name in enumerate(FIELD_LABELS)}
    names = sorted(
        (name for name in answers if name not in skip),
        key=lambda name: (order.get(name, len(order)), name),
    )
    rows = [(field_label(name), value_label(name, answers[name])) for name in names]
    return rows if blank else [(label, value) for label, value in rows if value]


def choice_fields() -> dict[str, list[tuple[str, str]]]:
    """Fields whose answers are choices, {name: [(code, label)]}: what scoring rules and
    filters offer to pick from."""
    return {name: list(choices.items()) for name, choices in CHOICES.items()}


def kind_noun(kind: str) -> str:
    """The CTA kind as a noun in a sentence: "quote request" for `quote`."""
    return KIND_NOUNS.get(kind) or kind.replace("_", " ")


def choice_label(name: str, value) -> str:
    """A choice with its question, as a rule or a filter names it: "Budget: Over $50,000"."""
    return f"{field_label(name)}: {value_label(name, value)}"
