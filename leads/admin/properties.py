"""Contact properties at /admin/leads/properties/: the details of a contact beyond the built-in
ones (company size, industry, the CRM they use...) that a question may fill.

Sales managers add and change them (migration 0019 gives them the rights; Sales see none).
A property's key is how answers are stored on contacts, so it is fixed once saved; choices are
edited as one "code | label" line each and stored as [[code, label], ...].
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import ContactProperty, PropertyType
from ..questions.properties import COLUMNS

WITH_CHOICES = frozenset({PropertyType.CHOICE, PropertyType.CHOICES})
KEY_RE = re.compile(r"[a-z][a-z0-9_]*")


def choices_as_text(pairs) -> str:
    return "\n".join(f"{code} | {label}" for code, label in pairs or [])


def choices_from_text(text: str) -> list[list[str]]:
    """[[code, label], ...] from one "code | label" line each (blank lines skipped); a line
    without "|" is its own code and label. Raises ValidationError naming each bad line."""
    pairs, errors, seen = [], [], set()
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        code, bar, label = (part.strip() for part in line.partition("|"))
        label = label if bar else code
        if not code or not label:
            errors.append(
                f"Line {number}: write the code, a bar and the label, e.g. '11-50 | 11-50 people'."
            )
        elif "," in code or "|" in label:
            errors.append(f"Line {number}: a code cannot hold a comma, nor a label a second '|'.")
        elif code in seen:
            errors.append(f"Line {number}: the code '{code}' is already used above.")
        else:
            seen.add(code)
            pairs.append([code, label])
    if errors:
        raise ValidationError(errors)
    return pairs


class ContactPropertyForm(WagtailAdminModelForm):
    """The property's choices as readable lines; its key fixed once saved."""

    choices_text = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "1-10 | 1-10 people\n11-50 | 11-50 people"}
        ),
        help_text="For 'one of a list' and 'several of a list': one choice a line, its code (how "
        "it is stored, e.g. '11-50'), a bar, then its label (what people read, e.g. '11-50 "
        "people'). Questions that fill this property offer these choices.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = choices_as_text(self.instance.choices)
        if self.instance.pk:
            key = self.fields["key"]
            key.disabled = True
            key.help_text = "How answers are stored on contacts: it cannot change once saved."

    def clean_key(self):
        key = self.cleaned_data["key"]
        if self.instance.pk:
            return self.instance.key
        if key in COLUMNS:
            raise ValidationError(
                f"'{key}' is a built-in contact detail ({COLUMNS[key]}): choose another key."
            )
        if not KEY_RE.fullmatch(key):
            raise ValidationError(
                "Use lower-case letters, digits and _, starting with a letter, e.g. 'crm_used'."
            )
        return key

    def clean(self):
        cleaned = super().clean()
        try:
            pairs = choices_from_text(cleaned.get("choices_text", ""))
        except ValidationError as error:
            self.add_error("choices_text", error)
            return cleaned
        kind = cleaned.get("type")
        if kind in WITH_CHOICES and not pairs:
            self.add_error("choices_text", "Give at least one choice, one a line: 'code | label'.")
        elif kind and kind not in WITH_CHOICES and pairs:
            self.add_error(
                "choices_text",
                "Only 'one of a list' and 'several of a list' have choices: empty this box or "
                "change the type.",
            )
        self.instance.choices = pairs
        return cleaned


def choices_summary(prop: ContactProperty) -> str:
    labels = [label for _, label in prop.choice_pairs]
    if len(labels) > 4:
        return ", ".join(labels[:4]) + f" and {len(labels) - 4} more"
    return ", ".join(labels) or "-"


class ContactPropertyViewSet(ModelViewSet):
    """Contact properties (ModelPermissionPolicy: the Sales managers' rights from migration
    0019; Sales have none, so they see neither the menu item nor the pages)."""

    model = ContactProperty
    icon = "list-ul"
    menu_label = "Contact properties"
    menu_order = 620
    menu_hook = "register_leads_menu_item"
    url_prefix = "leads/properties"
    name = "leads_properties"
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("label"), FieldPanel("key")]),
            FieldPanel("type"),
            FieldPanel("choices_text"),
            FieldPanel("help_text"),
        ],
        base_form_class=ContactPropertyForm,
    )
    list_display = [
        "label",
        "key",
        Column("type", label="Type", accessor="get_type_display"),
        Column("choices", label="Choices", accessor=choices_summary),
    ]
    list_filter = ["type"]
    search_fields = ["label", "key"]
    # Properties are configuration; questions name them by key, not by reference.
    add_to_reference_index = False


contact_property_viewset = ContactPropertyViewSet()


@hooks.register("register_admin_viewset")
def register_contact_property_viewset():
    return contact_property_viewset
