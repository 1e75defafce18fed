"""The answers' columns of a lead export, as sales read them.

An export of one CTA's leads has a column per question of that CTA (its current questions,
hidden ones included, under their labels; values as the reader saw them) and a column per
consent purpose it asks ("Consent: Marketing email", Yes/No from the ledger). An export across
CTAs, whose questions differ, has one "Answers" column instead ("Budget: Over $50,000;
Timeline: Just exploring"). Questions already exported as the person's columns (name, email,
company, phone, job title) are not repeated. Cells go through `safe_cell_value()` like any
other, so the formula guard covers them.
"""

from django.db.models import Prefetch
from wagtail.coreutils import multigetattr

from .. import answers
from ..models import ConsentRecord

ANSWER = "answer:"  # list_export entry of one question's column: "answer:<name>"
CONSENT = "consent:"  # one consent purpose's column: "consent:<purpose>"
ANSWERS = "answers_text"  # every answer in one cell
# Answers already in the person's columns (Contact), by question name or property filled.
PERSON_COLUMNS = frozenset({"name", "email", "company", "phone", "job_title"})


class AnswerColumnsMixin:
    """For a `SafeSpreadsheetExportMixin` view of submissions: `answer_columns_for(cta)` gives
    the columns to append to the common ones, and rows fill them in."""

    def answer_columns_for(self, cta) -> tuple[list[str], dict[str, str]]:
        """([list_export entries], {entry: heading}) for one CTA's leads (None: across CTAs)."""
        if cta is None:
            return [ANSWERS], {ANSWERS: "Answers"}
        questions = cta.question_set
        columns, headings = [], {}
        for question in questions.answers:
            if question.name in PERSON_COLUMNS or question.fills in PERSON_COLUMNS:
                continue
            columns.append(ANSWER + question.name)
            headings[ANSWER + question.name] = question.label or answers.field_label(question.name)
        for purpose in dict.fromkeys(q.purpose for q in questions.consents):
            columns.append(CONSENT + purpose)
            headings[CONSENT + purpose] = f"Consent: {answers.purpose_label(purpose)}"
        return columns, headings

    def with_answer_columns(self, queryset, columns: list[str]):
        """The queryset with what the answer columns read: the form version (labels), and the
        consent ledger when a purpose is a column. Both come chunk by chunk with the rows."""
        queryset = queryset.select_related("form_version")
        if any(column.startswith(CONSENT) for column in columns):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "consent_records",
                    queryset=ConsentRecord.objects.only("submission_id", "purpose", "given"),
                )
            )
        return queryset

    def to_row_dict(self, item):
        """The row as Wagtail reads it (`multigetattr`), the answer columns as labels."""
        vocabulary = answers.vocabulary_of(item)
        given = item.answers or {}
        row = {}
        for key in self.list_export:
            if key == ANSWERS:
                rows = answers.labelled(given, vocabulary, skip=PERSON_COLUMNS)
                row[key] = answers.as_text(rows)
            elif key.startswith(ANSWER):
                name = key.removeprefix(ANSWER)
                row[key] = answers.value_label(name, given.get(name), vocabulary)
            elif key.startswith(CONSENT):
                purpose = key.removeprefix(CONSENT)
                # The ledger is newest first: the latest word on this purpose in this lead.
                record = next((r for r in item.consent_records.all() if r.purpose == purpose), None)
                row[key] = answers.yes_no(record.given) if record else ""
            else:
                row[key] = multigetattr(item, key)
        return row
