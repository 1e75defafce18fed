"""The questions of a CTA's form, as editors build them: one StreamField block per question
type, plus a step break. `leads.questions.definition` reads the stored blocks back as
`Question`s; `leads.questions.build` turns those into the form readers fill in.
"""

import re

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.text import slugify
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from . import properties

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Names the form itself uses: a question may not take them.
RESERVED = frozenset(
    {"website", "token", "first_landing", "first_referrer", "posted_from", "through_step"}
)

PURPOSES = [
    ("request", "Answering this request"),
    ("marketing", "Marketing email (newsletters, offers)"),
    ("partner", "Sharing with a partner"),
]
HIDDEN_SOURCES = [
    ("utm_source", "UTM source of the visit"),
    ("utm_medium", "UTM medium of the visit"),
    ("utm_campaign", "UTM campaign of the visit"),
    ("utm_term", "UTM term of the visit"),
    ("utm_content", "UTM content of the visit"),
    ("referrer", "The site the visitor came from"),
    ("page", "The page the form was on (its title)"),
    ("page_url", "The page the form was on (its address)"),
    ("query", "A query parameter of the page's address (name it below)"),
    ("fixed", "A fixed value (write it below)"),
]


def name_from(label: str) -> str:
    """A question's stored name from its label: 'Company size?' -> 'company_size'."""
    name = slugify(label).replace("-", "_")[:40].strip("_")
    if not name or not name[0].isalpha():
        name = f"q_{name}"[:40]
    return name


class ChoiceBlock(blocks.StructBlock):
    label = blocks.CharBlock(
        max_length=120, label="Choice", help_text="What the reader sees, e.g. '11-50 people'."
    )
    value = blocks.CharBlock(
        required=False,
        max_length=60,
        label="Code",
        help_text="Blank makes one. Keep it once leads have answered.",
    )

    class Meta:
        icon = "list-ul"
        label = "Choice"
        label_format = "{label}"
        # Label and code side by side: a list of choices reads as a list.
        form_template = "leads/admin/questions/choice_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value["value"]:
            value["value"] = slugify(value["label"])[:60] or value["label"][:60]
        return value


class QuestionBlock(blocks.StructBlock):
    """What every question has: a label, a stored name, help, whether it must be answered,
    the contact property it fills and the condition that shows it."""

    label = blocks.CharBlock(max_length=200, help_text="The question, e.g. 'Company size'.")
    name = blocks.CharBlock(
        required=False,
        max_length=40,
        help_text="How the answer is stored, e.g. 'company_size': lower-case letters, digits "
        "and _. Filled from the label when blank; keep it once leads have answered.",
    )
    help_text = blocks.CharBlock(required=False, max_length=300, label="Help text")
    required = blocks.BooleanBlock(required=False, default=True, label="must be answered")
    property = blocks.ChoiceBlock(
        choices=properties.choices,
        required=False,
        label="contact property",
        help_text="The answer also updates this detail of the contact. Other answers stay "
        "with the submission.",
    )
    queued = blocks.BooleanBlock(
        required=False,
        default=False,
        label="ask returning people only",
        help_text="Progressive profiling: asked only of people we recognise, in place of "
        "questions whose answers their contact already has (up to the CTA's limit).",
    )
    # The condition: two plain fields, not a nested block (nested blocks are landmarks of
    # their own, all named alike).
    show_if_question = blocks.CharBlock(
        required=False,
        max_length=40,
        label="Show only when question",
        help_text="The name of an earlier choice or consent question, e.g. 'uses_crm'. Leave "
        "blank to always ask.",
    )
    show_if_answers = blocks.CharBlock(
        required=False,
        max_length=200,
        label="has the answer",
        help_text="One or more of its choice codes, separated by commas, e.g. 'yes'. Answers "
        "to a question hidden this way are not stored.",
    )

    type = ""  # the question type, as `Question.type` and the form builder name it

    class Meta:
        form_classname = "ls-question"
        label_format = "{label}"  # the block's title in the editor: the question
        # Collapsed, each question is one line (its type and label): the form reads as a list.
        collapsed = True

    def clean(self, value):
        value = super().clean(value)
        if value.get("property") == "email":
            # The one address a lead is kept by is always stored as "email" (capture, spam
            # checks, exports and the inbox read it there).
            value["name"] = "email"
        elif not value.get("name"):
            value["name"] = name_from(value["label"])
        name = value["name"]
        if not NAME.match(name) or name in RESERVED:
            raise StructBlockValidationError(
                block_errors={
                    "name": ValidationError(
                        "Use lower-case letters, digits and _ (starting with a letter), and "
                        "none of: " + ", ".join(sorted(RESERVED)) + "."
                    )
                }
            )
        return value


class PlaceholderQuestionBlock(QuestionBlock):
    placeholder = blocks.CharBlock(
        required=False, max_length=120, help_text="A sample answer shown in the empty box."
    )


class TextQuestionBlock(PlaceholderQuestionBlock):
    type = "text"

    class Meta:
        icon = "pilcrow"
        label = "Short text"


class LongTextQuestionBlock(PlaceholderQuestionBlock):
    type = "long_text"

    class Meta:
        icon = "doc-full"
        label = "Long text"


class EmailQuestionBlock(PlaceholderQuestionBlock):
    type = "email"

    class Meta:
        icon = "mail"
        label = "Email"


class PhoneQuestionBlock(PlaceholderQuestionBlock):
    type = "phone"

    class Meta:
        icon = "mobile-alt"
        label = "Phone"


class NumberQuestionBlock(PlaceholderQuestionBlock):
    type = "number"
    min_value = blocks.DecimalBlock(required=False, label="smallest answer")
    max_value = blocks.DecimalBlock(required=False, label="largest answer")

    class Meta:
        icon = "order"
        label = "Number"


class DateQuestionBlock(QuestionBlock):
    type = "date"

    class Meta:
        icon = "date"
        label = "Date"


class CountryQuestionBlock(QuestionBlock):
    type = "country"

    class Meta:
        icon = "site"
        label = "Country"


class FileQuestionBlock(QuestionBlock):
    """A file the reader attaches (a brief, an RFP): kept in private storage, never public."""

    type = "file"
    extensions = blocks.CharBlock(
        max_length=120,
        default="pdf, docx, xlsx, pptx, png, jpg",
        label="file types",
        help_text="The file name endings accepted, separated by commas, e.g. 'pdf, docx'.",
    )
    max_size_mb = blocks.IntegerBlock(
        min_value=1, max_value=25, default=10, label="largest file (MB)"
    )

    class Meta:
        icon = "doc-full-inverse"
        label = "File upload"


class ChoicesQuestionBlock(QuestionBlock):
    # May stay empty for a question filling a contact property with choices of its own
    # (company size): it offers those (definition_errors asks for choices otherwise).
    choices = blocks.ListBlock(ChoiceBlock(), default=[], collapsed=False)

    def clean(self, value):
        value = super().clean(value)
        codes = [choice["value"] for choice in value["choices"]]
        if len(set(codes)) != len(codes):
            raise StructBlockValidationError(
                block_errors={"choices": ValidationError("Two choices have the same code.")}
            )
        return value


class DropdownQuestionBlock(ChoicesQuestionBlock):
    type = "dropdown"

    class Meta:
        icon = "arrow-down-big"
        label = "Dropdown"


class RadioQuestionBlock(ChoicesQuestionBlock):
    type = "radio"

    class Meta:
        icon = "radio-full"
        label = "Radio buttons"


class CheckboxesQuestionBlock(ChoicesQuestionBlock):
    type = "checkboxes"

    class Meta:
        icon = "tasks"
        label = "Checkboxes"


class ConsentQuestionBlock(blocks.StructBlock):
    """A tick box giving (or refusing) consent for one purpose; the ledger keeps the words."""

    type = "consent"
    purpose = blocks.ChoiceBlock(choices=PURPOSES, default="request")
    text = blocks.TextBlock(
        required=False,
        max_length=600,
        label="wording",
        help_text="The words next to the box, e.g. 'Email me the monthly newsletter.' "
        "[words](/privacy/) makes a link. Leave blank to use the CTA's consent text.",
    )
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        label="must be ticked",
        help_text="Untick for an optional purpose (marketing email usually is).",
    )
    name = blocks.CharBlock(
        required=False, max_length=40, help_text="Filled from the purpose when blank."
    )

    class Meta:
        icon = "tick-inverse"
        label = "Consent"
        label_format = "{purpose}"
        collapsed = True

    def clean(self, value):
        value = super().clean(value)
        if not value.get("name"):
            value["name"] = (
                "consent" if value["purpose"] == "request" else f"consent_{value['purpose']}"
            )
        return value


class HiddenQuestionBlock(blocks.StructBlock):
    """An answer the reader never sees, filled in on the server: the visitor cannot set it."""

    type = "hidden"
    label = blocks.CharBlock(max_length=120, help_text="What sales sees, e.g. 'Campaign'.")
    name = blocks.CharBlock(required=False, max_length=40)
    source = blocks.ChoiceBlock(choices=HIDDEN_SOURCES, default="utm_campaign")
    value = blocks.CharBlock(
        required=False,
        max_length=120,
        help_text="The fixed value, or the query parameter's name (e.g. 'gclid').",
    )

    class Meta:
        icon = "view"
        label = "Hidden field"
        label_format = "{label}"
        collapsed = True

    def clean(self, value):
        value = super().clean(value)
        if not value.get("name"):
            value["name"] = name_from(value["label"])
        if value["source"] in {"fixed", "query"} and not value["value"]:
            raise StructBlockValidationError(
                block_errors={"value": ValidationError("Write the value or parameter name.")}
            )
        return value


class StepBlock(blocks.StructBlock):
    """A page break: the questions after it are the next step of the form."""

    type = "step"
    heading = blocks.CharBlock(
        max_length=80, help_text="The next step's title, e.g. 'About your company'."
    )

    class Meta:
        icon = "arrow-right"
        label = "Step break"
        label_format = "{heading}"


class QuestionsBlock(blocks.StreamBlock):
    class Meta:
        # Each question one line (its type and label) until opened: the form reads as a list.
        collapsed = True

    text = TextQuestionBlock()
    email = EmailQuestionBlock()
    phone = PhoneQuestionBlock()
    number = NumberQuestionBlock()
    dropdown = DropdownQuestionBlock()
    radio = RadioQuestionBlock()
    checkboxes = CheckboxesQuestionBlock()
    long_text = LongTextQuestionBlock()
    date = DateQuestionBlock()
    country = CountryQuestionBlock()
    file = FileQuestionBlock()
    consent = ConsentQuestionBlock()
    hidden = HiddenQuestionBlock()
    step = StepBlock()

    def clean(self, value):
        value = super().clean(value)
        if not value:  # the CTA takes its kind's standard questions (CallToAction.clean)
            return value
        from .definition import definition_errors, questions_from_stream  # imports blocks

        errors = definition_errors(questions_from_stream(value, properties.property_choices()))
        if errors:
            raise blocks.StreamBlockValidationError(non_block_errors=ErrorList(errors))
        return value
