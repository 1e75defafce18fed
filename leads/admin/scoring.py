"""Scoring rules at /admin/leads/scoring/: sales read them, sales managers edit them.

The half-life, the hot-lead threshold and the free-mail domains are in Settings > Scoring
settings (managers). Saving a rule or the settings recomputes every score in a task (see
leads/apps.py); how each rule counts is explained in leads/scoring.py and on the list.
"""

from django import forms
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from .. import answers
from ..models import CTAKind, ScoringRule, ScoringSettings, ScoringSignal
from ..permissions import EDIT_SCORING_SETTINGS, VIEW_SCORING_RULES
from ..scoring import signed

DOMAIN_CLASSES = {"business": "Business domain", "free": "Free-mail address"}
REPEAT_LABEL = "Repeat engagement"


def condition_key(signal: str, field: str = "", value: str = "") -> str:
    """One option of the "When" select: the signal, the answer field and the value a rule
    stores, joined ("answer:budget:over-50k"). Codes contain no colon."""
    return f"{signal}:{field}:{value}"


def condition_label(signal: str, field: str = "", value: str = "") -> str:
    """How a rule's condition reads: "Quote request", "Budget: Over $50,000"."""
    if signal == ScoringSignal.ANSWER:
        return answers.choice_label(field, value, answers.current_vocabulary())
    if signal == ScoringSignal.CTA_KIND:
        return answers.kind_noun(value).capitalize()
    if signal == ScoringSignal.EMAIL_DOMAIN:
        return DOMAIN_CLASSES.get(value, value)
    return REPEAT_LABEL


def condition_choices(current=None) -> list:
    """Every condition the scorer can match, grouped as a select's optgroups: the CTA kinds,
    repeat engagement, the email domain classes, then each choice field's answers. A rule
    whose stored condition is no longer offered keeps it as an option, so it can be edited."""
    groups = [
        (
            "CTA answered",
            [
                (
                    condition_key(ScoringSignal.CTA_KIND, "", kind),
                    condition_label("cta_kind", "", kind),
                )
                for kind in CTAKind.values
            ],
        ),
        ("Engagement", [(condition_key(ScoringSignal.REPEAT), REPEAT_LABEL)]),
        (
            "Email domain",
            [
                (condition_key(ScoringSignal.EMAIL_DOMAIN, "", code), label)
                for code, label in DOMAIN_CLASSES.items()
            ],
        ),
        *(
            (
                question.label,
                # The question repeated: a closed select shows the option, not its group.
                [
                    (
                        condition_key(ScoringSignal.ANSWER, question.name, code),
                        answers.question_and_choice(question.label, label),
                    )
                    for code, label in question.choices
                ],
            )
            # Every CTA's choice questions and the fixed forms' (leads/answers.py).
            for question in answers.choice_questions()
        ),
    ]
    offered = {key for _, options in groups for key, _ in options}
    if current and current[0] and condition_key(*current) not in offered:
        groups.append(
            (
                "No longer offered",
                [(condition_key(*current), f"{condition_label(*current)} (no longer offered)")],
            )
        )
    return [("", "Choose what scores…"), *groups]


class ScoringRuleForm(WagtailAdminModelForm):
    """A rule is built by picking what it matches from a list ("When": a CTA kind, repeat
    engagement, a domain class, or one answer of a choice field), never by typing codes: a
    typo would be a rule that silently never counts. The codes are stored; the label defaults
    to the choice as people read it."""

    condition = forms.ChoiceField(
        label="When",
        help_text="What the contact did or answered, e.g. Budget: Over $50,000.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.instance
        current = (rule.signal, rule.field, rule.value) if rule.pk else None
        self.fields["condition"].choices = condition_choices(current)
        if current:
            self.fields["condition"].initial = condition_key(*current)
        label = self.fields["label"]
        label.required = False
        label.help_text = (
            "How the rule reads in a score's breakdown. Leave empty to use the choice above, "
            "e.g. 'Budget: Over $50,000'."
        )

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("condition")
        if key:
            signal, field, value = key.split(":", 2)
            taken = ScoringRule.objects.filter(signal=signal, field=field, value=value)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "condition",
                    f"There is already a rule for {condition_label(signal, field, value)}: "
                    "change that one instead.",
                )
                return cleaned
            self.instance.signal, self.instance.field, self.instance.value = signal, field, value
            if not (cleaned.get("label") or "").strip():
                cleaned["label"] = condition_label(signal, field, value)
        return cleaned

    def _get_validation_exclusions(self):
        # A valid condition fills these three: check the rule's constraints on them too (one
        # rule per condition, an answer rule names its field).
        exclusions = super()._get_validation_exclusions()
        if self.cleaned_data.get("condition"):
            exclusions -= {"signal", "field", "value"}
        return exclusions

    def _update_errors(self, errors):
        # The model's errors on the three fields the condition fills are the condition's.
        if hasattr(errors, "error_dict"):
            for name in ("signal", "field", "value"):
                if name in errors.error_dict:
                    errors.error_dict.setdefault("condition", []).extend(
                        errors.error_dict.pop(name)
                    )
        super()._update_errors(errors)


class ScoringRuleIndexView(IndexView):
    template_name = "leads/admin/scoring/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scoring_settings"] = ScoringSettings.load()
        if self.request.user.has_perm(EDIT_SCORING_SETTINGS):
            context["scoring_settings_url"] = reverse(
                "wagtailsettings:edit", args=["leads", "scoringsettings"]
            )
        return context


class ScoringRuleViewSet(ModelViewSet):
    """The declarative scoring table (default ModelPermissionPolicy: view for Sales, add,
    change and delete for Sales managers)."""

    model = ScoringRule
    icon = "order"
    url_prefix = "leads/scoring"
    name = "leads_scoring"
    index_view_class = ScoringRuleIndexView
    edit_handler = ObjectList(
        [
            FieldPanel("condition"),
            FieldRowPanel([FieldPanel("points"), FieldPanel("decays")]),
            FieldPanel("label"),
        ],
        base_form_class=ScoringRuleForm,
    )
    list_display = [
        "label",
        Column(
            "condition",
            label="When",
            accessor=lambda rule: condition_label(rule.signal, rule.field, rule.value),
        ),
        Column("points", label="Points", accessor=lambda rule: signed(rule.points)),
        Column("decays", label="Decays", accessor=lambda rule: "Yes" if rule.decays else "No"),
    ]
    list_filter = ["signal", "decays"]
    search_fields = ["label"]
    # Rules are configuration, not content: no usage counts for them.
    add_to_reference_index = False


scoring_rule_viewset = ScoringRuleViewSet()


@hooks.register("register_admin_viewset")
def register_scoring_rule_viewset():
    return scoring_rule_viewset


class ScoringMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_SCORING_RULES)


@hooks.register("register_leads_menu_item")
def register_scoring_menu_item():
    return ScoringMenuItem(
        "Scoring rules",
        reverse("leads_scoring:index"),
        icon_name="order",
        name="leads-scoring",
        order=500,
    )
