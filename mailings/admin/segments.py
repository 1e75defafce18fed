"""Segments in the admin: a segment's conditions as rows (condition, value, and a property's
key), built from mailings/segments.FIELDS and checked with `condition_q`, and how many
contacts match (and how many of them may get marketing email). Counts only, never people.

Rows are a Django formset: "Add a condition" and "Count" post the form back and show it again
without saving, so the editor works without JavaScript; static/mailings/admin/segment.js only
hides the value inputs a row's condition does not use.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from taggit.models import Tag
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from blog.models import ArticlePageTag
from leads.models import CallToAction, CTAKind, MailingList, Status

from .. import audience
from ..models import Segment
from ..segments import FIELDS, condition_q, segment_contacts

PREFIX = "conditions"
# Conditions whose value is picked from a list (stored as "<kind>:<value>" in the row's select).
PICKED = ("status", "kind", "cta", "topic", "list")


def picked_choices() -> list:
    """The select's options, grouped by what they are: lead statuses, CTA kinds, CTAs, topics,
    mailing lists."""
    topics = (
        Tag.objects.filter(pk__in=ArticlePageTag.objects.values("tag_id"))
        .order_by("name")
        .values_list("slug", "name")
    )
    groups = [
        ("Lead status", [(s, label) for s, label in Status.choices if s != Status.SPAM], "status"),
        ("CTA kind", list(CTAKind.choices), "kind"),
        ("CTA", list(CallToAction.objects.order_by("title").values_list("pk", "title")), "cta"),
        ("Topic", list(topics), "topic"),
        ("Mailing list", list(MailingList.objects.values_list("pk", "name")), "list"),
    ]
    return [("", "—")] + [
        (label, [(f"{kind}:{value}", name) for value, name in options])
        for label, options, kind in groups
    ]


class ConditionForm(forms.Form):
    field = forms.ChoiceField(label="Condition", required=False)
    choice = forms.ChoiceField(label="Is", required=False)
    key = forms.CharField(
        label="Property",
        required=False,
        max_length=64,
        help_text="For 'Contact property is': the property's key, e.g. 'company_size'.",
    )
    value = forms.CharField(
        label="Value",
        required=False,
        max_length=200,
        help_text="A number of days or points, or the text to match.",
    )

    def __init__(self, *args, picked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "Choose a condition")] + [
            (name, field.label) for name, field in FIELDS.items()
        ]
        self.fields["field"].widget.attrs["data-mailings-condition"] = ""
        self.fields["choice"].choices = picked or picked_choices()
        # Which conditions use each input (static/mailings/admin/segment.js hides the rest).
        uses = {
            "choice": [n for n, f in FIELDS.items() if f.value_kind in PICKED],
            "key": [n for n, f in FIELDS.items() if f.value_kind == "property"],
            "value": [n for n, f in FIELDS.items() if f.value_kind not in PICKED],
        }
        for input_name, names in uses.items():
            self.fields[input_name].widget.attrs["data-mailings-uses"] = " ".join(names)

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("field")
        if not name:
            if cleaned.get("value") or cleaned.get("key"):
                raise ValidationError("Choose a condition for this value.")
            return cleaned
        kind = FIELDS[name].value_kind
        if kind in PICKED:
            picked_kind, _, value = (cleaned.get("choice") or "").partition(":")
            if picked_kind != kind:
                raise ValidationError(f"“{FIELDS[name].label}”: pick one from the list.")
        else:
            value = (cleaned.get("value") or "").strip()
        condition = {"field": name, "value": value}
        if kind == "property":
            condition["key"] = (cleaned.get("key") or "").strip()
        condition_q(condition)  # a ValidationError says what is missing
        cleaned["condition"] = condition
        return cleaned


class BaseConditionFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_picked"):
            self._picked = picked_choices()  # one set of queries for every row
        kwargs["picked"] = self._picked
        return kwargs

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            **self.get_form_kwargs(None),
        )
        self.add_fields(form, None)
        return form

    def conditions(self) -> list[dict]:
        return [
            form.cleaned_data["condition"]
            for form in self.forms
            if form.cleaned_data.get("condition") and not form.cleaned_data.get("DELETE")
        ]


ConditionFormSet = forms.formset_factory(
    ConditionForm, formset=BaseConditionFormSet, extra=0, can_delete=True
)


def condition_initial(condition: dict) -> dict:
    name = condition.get("field")
    kind = FIELDS[name].value_kind if name in FIELDS else ""
    value = condition.get("value", "")
    if kind in PICKED:
        return {"field": name, "choice": f"{kind}:{value}"}
    return {"field": name, "value": value, "key": condition.get("key", "")}


def counts(conditions: list[dict]) -> dict[str, int]:
    """How many contacts the conditions select, and how many of them may get marketing email."""
    contacts = segment_contacts(Segment(conditions=conditions))
    return {"matching": contacts.count(), "marketable": audience.marketable(contacts).count()}


class SegmentFormMixin:
    """The conditions formset beside Wagtail's form for the name and description.

    One template for both views (mailings/admin/segments/form.html); it extends Wagtail's own
    template of the view (create or edit)."""

    REDISPLAY = ("add_condition", "count")
    template_name = "mailings/admin/segments/form.html"

    def get_formset(self):
        if self.request.method == "POST":
            data = self.request.POST.copy()
            if "add_condition" in data:
                total = int(data.get(f"{PREFIX}-TOTAL_FORMS") or 0)
                data[f"{PREFIX}-TOTAL_FORMS"] = str(total + 1)
            return ConditionFormSet(data, prefix=PREFIX)
        saved = self.object.conditions if getattr(self, "object", None) else []
        initial = [condition_initial(condition) for condition in saved] or [{}]
        return ConditionFormSet(initial=initial, prefix=PREFIX)

    def post(self, request, *args, **kwargs):
        if not any(name in request.POST for name in self.REDISPLAY):
            return super().post(request, *args, **kwargs)
        # Shown again, not saved: a row added, or the count for the conditions as they stand.
        self.object = self.current_object()
        self.formset = self.get_formset()
        form = self.get_form()
        return self.render_to_response(self.get_context_data(form=form))

    def is_valid(self, form):
        self.formset = self.get_formset()
        valid = form.is_valid()
        if self.formset.is_valid():
            form.instance.conditions = self.formset.conditions()
        else:
            valid = False
        if not valid:
            self.produced_error_code = "validation_error"
            self.produced_error_message = "The segment could not be saved: see the errors below."
        return valid

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = getattr(self, "formset", None) or self.get_formset()
        if formset.is_bound:
            conditions = formset.conditions() if formset.is_valid() else None
        else:
            conditions = self.object.conditions if getattr(self, "object", None) else []
        context["conditions"] = formset
        context["wagtail_template"] = super().template_name  # Wagtail's create or edit page
        context["counts"] = counts(conditions) if conditions is not None else None
        return context


class SegmentCreateView(SegmentFormMixin, CreateView):
    def current_object(self):
        return None


class SegmentEditView(SegmentFormMixin, EditView):
    def current_object(self):
        return self.get_object()


class SegmentIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(broadcast_count=Count("broadcasts"))


def condition_count(segment) -> str:
    count = len(segment.conditions or [])
    return "Everyone" if not count else f"{count} condition{'' if count == 1 else 's'}"


class SegmentViewSet(ModelViewSet):
    model = Segment
    name = "mailings_segments"
    url_prefix = "email/segments"
    icon = "filter"
    menu_label = "Segments"
    menu_order = 400
    add_to_admin_menu = False
    index_view_class = SegmentIndexView
    add_view_class = SegmentCreateView
    edit_view_class = SegmentEditView
    form_fields = ["name", "description"]
    search_fields = ["name"]
    list_display = [
        "name",
        "description",
        Column("conditions", label="Conditions", accessor=condition_count),
        Column("broadcasts", label="Broadcasts", accessor="broadcast_count"),
        "updated_at",
    ]
