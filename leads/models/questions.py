"""What the form builder keeps besides the CTA's own questions: the contact properties sales
managers add, each version of a form's questions that leads answered, and the consent ledger
by purpose."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property

from ..questions.blocks import PURPOSES
from ..questions.definition import Vocabulary
from ..uploads import attachment_path, private_storage
from ..validators import validate_one_line


class PropertyType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "One of a list"
    CHOICES = "choices", "Several of a list"


class ContactProperty(models.Model):
    """A detail of a contact beyond the built-in ones (e.g. company size, industry, CRM used),
    which a question may fill; stored in `Contact.properties` by its key."""

    # A validator, not a CheckConstraint: on SQLite a regex CHECK needs Django's REGEXP
    # function, which SQLite's own tools (the backup's integrity check) do not have.
    key = models.SlugField(
        "key",
        max_length=40,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*$",
                "Use lower-case letters, digits and _, starting with a letter.",
            )
        ],
        help_text="How it is stored, e.g. 'company_size'. Lower-case letters, digits and _; "
        "it cannot change once saved.",
    )
    label = models.CharField(
        "label", max_length=80, validators=[validate_one_line], help_text="e.g. 'Company size'."
    )
    type = models.CharField(
        "type", max_length=10, choices=PropertyType.choices, default=PropertyType.TEXT
    )
    choices = models.JSONField(
        "choices",
        default=list,
        blank=True,
        help_text="For 'one of a list' and 'several of a list': [[code, label], ...], e.g. "
        "[['1-10', '1-10 people'], ['11-50', '11-50 people']]. A question filling this "
        "property offers these choices unless it lists its own.",
    )
    help_text = models.CharField("help text", max_length=200, blank=True)

    class Meta:
        verbose_name = "contact property"
        verbose_name_plural = "contact properties"
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="contact_property_key_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def choice_pairs(self) -> list[tuple[str, str]]:
        return [(str(code), str(label)) for code, label in self.choices or []]


class FormVersion(models.Model):
    """The questions of a CTA's form as leads answered them: each submission points at its
    version, so its answers keep the labels the reader saw after the form changes."""

    version = models.CharField("version", max_length=16, unique=True, editable=False)
    questions = models.JSONField(
        "questions",
        editable=False,
        help_text="[{name, label, type, fills, choices: [[code, label]]}] in form order.",
    )
    first_used_at = models.DateTimeField("first used", auto_now_add=True)

    class Meta:
        verbose_name = "form version"
        ordering = ["-first_used_at"]

    def __str__(self):
        return f"Form version {self.version}"

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The labels of this version's questions and choices, with their types and in form
        order (leads/answers.py reads answers with it)."""
        return Vocabulary.of(self.questions)

    @property
    def filled(self) -> dict[str, str]:
        """{question name: contact property} as this version's questions filled them."""
        return {q["name"]: q["fills"] for q in self.questions if q.get("fills")}


class ConsentPurpose(models.TextChoices):
    REQUEST = PURPOSES[0]
    MARKETING = PURPOSES[1]
    PARTNER = PURPOSES[2]


class ConsentSource(models.TextChoices):
    FORM = "form", "A form"
    PREFERENCES = "preferences", "The preference centre"
    UNSUBSCRIBE = "unsubscribe", "An unsubscribe link"
    COMPLAINT = "complaint", "A spam complaint"


class ConsentRecord(models.Model):
    """The ledger: one purpose given or refused, in a submission or in the preference centre,
    with its exact wording."""

    submission = models.ForeignKey(
        "leads.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name="submission",
        help_text="The form answer that gave or refused it; empty for a change made from an "
        "email's links.",
    )
    source = models.CharField(
        "where", max_length=16, choices=ConsentSource.choices, default=ConsentSource.FORM
    )
    mailing_list = models.ForeignKey(
        "leads.MailingList",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="mailing list",
        help_text="For marketing consent given or withdrawn for one list; empty for all email.",
    )
    contact = models.ForeignKey(
        "leads.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name="contact",
        help_text="Empty while the submission is quarantined.",
    )
    purpose = models.CharField("purpose", max_length=16, choices=ConsentPurpose.choices)
    given = models.BooleanField("given", help_text="Ticked (given) or left empty (refused).")
    text = models.ForeignKey(
        "leads.ConsentText",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="wording shown",
    )
    recorded_at = models.DateTimeField("recorded")

    class Meta:
        verbose_name = "consent record"
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["contact", "purpose", "-recorded_at"], name="consent_contact_purpose"
            ),
        ]

    def __str__(self):
        return f"Consent record #{self.pk}"


class Attachment(models.Model):
    """A file a reader uploaded with a submission, in private storage (leads/uploads.py)."""

    submission = models.ForeignKey(
        "leads.Submission",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="submission",
    )
    question = models.CharField(
        "question", max_length=40, help_text="The name of the question it answers, e.g. 'brief'."
    )
    name = models.CharField(
        "file name",
        max_length=120,
        help_text="As the reader's file was called, sanitised, e.g. 'RFP_2027.pdf'.",
    )
    file = models.FileField(
        "file", storage=private_storage, upload_to=attachment_path, max_length=200
    )
    size = models.PositiveIntegerField("size (bytes)")
    uploaded_at = models.DateTimeField("uploaded")

    class Meta:
        verbose_name = "attachment"
        ordering = ["submission", "pk"]

    def __str__(self):
        return f"Attachment #{self.pk}"
