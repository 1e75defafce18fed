"""A CTA's questions as the rest of the lead path reads them: `Question`s in form order,
grouped into steps, read from the stored StreamField data (`questions_of`), checked when an
editor saves them (`definition_errors`), and fingerprinted (`QuestionSet.version`) so that each
submission keeps the labels its reader saw (`FormVersion`).
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cached_property

from . import properties

CHOICE_TYPES = frozenset({"dropdown", "radio", "checkboxes"})
YES_NO = (("yes", "Yes"), ("no", "No"))


@dataclass(frozen=True)
class Question:
    type: str  # a QuestionsBlock child's name: "text", "dropdown", "consent", "hidden", ...
    name: str  # how the answer is stored, e.g. "company_size"
    label: str
    help_text: str = ""
    required: bool = False
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (code, label)
    fills: str = ""  # the contact property it fills (leads/questions/properties.py)
    show_if: tuple[str, tuple[str, ...]] | None = None  # (question name, codes)
    step: int = 0
    queued: bool = False  # asked only of recognised people, in place of known questions
    purpose: str = ""  # consent: "request", "marketing" or "partner"
    text: str = ""  # consent: its own wording ("" = the CTA's consent text)
    source: str = ""  # hidden: where its value comes from (blocks.HIDDEN_SOURCES)
    value: str = ""  # hidden: the fixed value or query parameter's name
    min_value: str = ""
    max_value: str = ""
    extensions: tuple[str, ...] = ()  # file: accepted endings, e.g. ("pdf", "docx")
    max_size_mb: int = 0  # file: the largest accepted

    @property
    def is_file(self) -> bool:
        return self.type == "file"

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def is_consent(self) -> bool:
        return self.type == "consent"

    @property
    def is_hidden(self) -> bool:
        return self.type == "hidden"

    def choice_label(self, code) -> str:
        return dict(self.choices).get(str(code), str(code))


@dataclass(frozen=True)
class QuestionSet:
    questions: tuple[Question, ...]
    step_titles: tuple[str, ...] = ("",)  # one per step; the first step's is ""

    @property
    def steps(self) -> int:
        return len(self.step_titles)

    @cached_property
    def by_name(self) -> dict[str, Question]:
        return {question.name: question for question in self.questions}

    @property
    def asked(self) -> list[Question]:
        """The questions the reader sees (not hidden ones), consents included."""
        return [question for question in self.questions if not question.is_hidden]

    @property
    def answers(self) -> list[Question]:
        """Questions whose answers are stored with the submission: every one but consents,
        which the consent ledger keeps."""
        return [question for question in self.questions if not question.is_consent]

    @property
    def consents(self) -> list[Question]:
        return [question for question in self.questions if question.is_consent]

    @property
    def files(self) -> list[Question]:
        return [question for question in self.questions if question.is_file]

    @property
    def hidden(self) -> list[Question]:
        return [question for question in self.questions if question.is_hidden]

    @cached_property
    def filled_properties(self) -> dict[str, str]:
        """{question name: contact property} for the questions that fill one."""
        return {q.name: q.fills for q in self.questions if q.fills}

    @cached_property
    def email_question(self) -> Question | None:
        return next((q for q in self.questions if q.fills == "email"), None)

    def vocabulary(self) -> list[dict]:
        """What a submission needs to show its answers as the reader saw them: each stored
        question's name, label, type and choices (FormVersion.questions)."""
        return [
            {
                "name": q.name,
                "label": q.label,
                "type": q.type,
                "choices": [list(c) for c in q.choices],
            }
            for q in self.questions
        ]

    @cached_property
    def version(self) -> str:
        """A fingerprint of the whole definition: a changed label, choice or rule is a new
        version."""
        payload = json.dumps(
            [asdict(q) for q in self.questions] + [list(self.step_titles)],
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _struct(value) -> dict:
    """A stored block value as a plain dict (raw JSON, or a StructValue)."""
    return dict(value) if value is not None else {}


def _items(value) -> list[dict]:
    """A ListBlock's stored items: [{"type": "item", "value": {...}}] or plain dicts."""
    items = []
    for item in value or []:
        item = _struct(item)
        items.append(_struct(item["value"]) if "value" in item and "type" in item else item)
    return items


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in str(text or "").split(",") if code.strip())


def questions_from_raw(raw: list, property_choices: dict | None = None) -> QuestionSet:
    """The QuestionSet of stored StreamField data ([{"type": ..., "value": {...}}]).

    `property_choices` ({key: [(code, label)]}) gives a choice question without choices of
    its own those of the contact property it fills."""
    property_choices = property_choices or {}
    questions, titles, step = [], [""], 0
    for block in raw or []:
        block = _struct(block)
        kind, value = block.get("type"), _struct(block.get("value"))
        if kind == "step":
            step += 1
            titles.append(str(value.get("heading") or f"Step {step + 1}"))
            continue
        choices = tuple(
            (str(item.get("value") or item.get("label")), str(item.get("label") or ""))
            for item in _items(value.get("choices"))
        )
        if kind in CHOICE_TYPES and not choices:
            choices = tuple(tuple(pair) for pair in property_choices.get(value.get("property"), ()))
        if kind == "consent":
            choices = YES_NO
        show_if = None
        if value.get("show_if_question"):
            show_if = (str(value["show_if_question"]).strip(), _codes(value.get("show_if_answers")))
        questions.append(
            Question(
                type=kind,
                name=str(value.get("name") or ""),
                label=str(value.get("label") or value.get("text") or ""),
                help_text=str(value.get("help_text") or ""),
                required=bool(value.get("required", kind != "hidden")) and kind != "hidden",
                placeholder=str(value.get("placeholder") or ""),
                choices=choices,
                fills=str(value.get("property") or ""),
                show_if=show_if,
                step=step,
                queued=bool(value.get("queued")),
                purpose=str(value.get("purpose") or ""),
                text=str(value.get("text") or ""),
                source=str(value.get("source") or ""),
                value=str(value.get("value") or ""),
                min_value="" if value.get("min_value") is None else str(value["min_value"]),
                max_value="" if value.get("max_value") is None else str(value["max_value"]),
                extensions=tuple(
                    code.lower().lstrip(".") for code in _codes(value.get("extensions"))
                ),
                # The block's default when the stored value has none (data written in code).
                max_size_mb=int(value.get("max_size_mb") or (10 if kind == "file" else 0)),
            )
        )
    return QuestionSet(tuple(questions), tuple(titles))


def questions_from_stream(stream, property_choices=None) -> QuestionSet:
    """The QuestionSet of a StreamValue (a saved CTA's, or an edited one being previewed)."""
    raw = [
        {"type": child.block_type, "value": child.block.get_prep_value(child.value)}
        for child in stream
    ]
    return questions_from_raw(raw, property_choices)


def definition_errors(questions: QuestionSet) -> list[str]:
    """What is wrong with a CTA's questions as a whole, in words for its editor."""
    errors = []
    seen, earlier = set(), {}
    for question in questions.questions:
        if question.name in seen:
            errors.append(f"Two questions are stored as '{question.name}': give one another name.")
        seen.add(question.name)
        if question.show_if:
            target, codes = question.show_if
            source = earlier.get(target)
            if source is None or not (source.is_choice or source.is_consent):
                errors.append(
                    f"'{question.label}' depends on '{target}', which is not an earlier "
                    "choice or consent question of this form."
                )
            elif not codes or not set(codes) <= {code for code, _ in source.choices}:
                known = ", ".join(code for code, _ in source.choices)
                errors.append(
                    f"'{question.label}' is shown for answers that '{target}' does not have "
                    f"(its codes: {known})."
                )
        earlier[question.name] = question
    filled = [q.fills for q in questions.questions if q.fills]
    for key in sorted({key for key in filled if filled.count(key) > 1}):
        errors.append(f"Two questions fill the contact's {properties.COLUMNS.get(key, key)}.")
    email = questions.email_question
    if email is None:
        errors.append(
            "Add an Email question that fills the contact property Email: leads are kept by "
            "their email address."
        )
    elif email.type != "email" or not email.required or email.show_if:
        errors.append(
            "The question that fills Email must be an Email question that must be answered "
            "and is always shown."
        )
    for question in questions.questions:
        if question.is_choice and not question.choices:
            errors.append(
                f"Give '{question.label}' its choices, or have it fill a contact property "
                "that has choices."
            )
    counts = [0] * questions.steps
    for question in questions.asked:
        counts[question.step] += 1
    if questions.steps > 1 and not all(counts):
        errors.append("Each step needs at least one question: remove the empty step.")
    return errors


@dataclass
class Vocabulary:
    """Labels of stored answers: {name: (label, {code: label})} in form order, and each
    question's type (a country answer reads as the country's name), from a FormVersion."""

    labels: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)

    @classmethod
    def of(cls, questions: list[dict] | None) -> "Vocabulary":
        return cls(
            {
                q["name"]: (q["label"], {str(code): label for code, label in q.get("choices", [])})
                for q in questions or []
            },
            {q["name"]: q.get("type", "") for q in questions or []},
        )
