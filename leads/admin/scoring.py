"""Scoring rules at /admin/leads/scoring/: sales read them, sales managers edit them.

The half-life, the hot-lead threshold and the free-mail domains are in Settings > Scoring
settings (managers). Saving a rule or the settings recomputes every score in a task (see
leads/apps.py); how each rule counts is explained in leads/scoring.py and on the list.
"""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import CTAKind, ScoringRule, ScoringSettings, ScoringSignal
from ..permissions import EDIT_SCORING_SETTINGS, VIEW_SCORING_RULES
from ..scoring import signed

DOMAIN_CLASSES = ("business", "free")


class ScoringRuleForm(WagtailAdminModelForm):
    """A rule must name something the scorer can match: a CTA kind, a domain class, or an
    answer field and value. A typo would otherwise be a rule that silently never counts."""

    def clean(self):
        cleaned = super().clean()
        signal = cleaned.get("signal")
        field = (cleaned.get("field") or "").strip()
        value = (cleaned.get("value") or "").strip()
        errors = {}
        if signal != ScoringSignal.ANSWER and field:
            errors["field"] = "Only answer rules name a form field; leave it empty."
        if signal == ScoringSignal.CTA_KIND and value not in CTAKind.values:
            errors["value"] = f"Write one of the CTA kinds: {', '.join(CTAKind.values)}."
        elif signal == ScoringSignal.EMAIL_DOMAIN and value not in DOMAIN_CLASSES:
            errors["value"] = "Write 'business' or 'free'."
        elif signal == ScoringSignal.REPEAT and value:
            errors["value"] = "Repeat engagement has no value; leave it empty."
        elif signal == ScoringSignal.ANSWER:
            if not field:
                errors["field"] = "Name the form field, e.g. 'budget'."
            if not value:
                errors["value"] = "Write the answer that scores, e.g. 'over-50k'."
        for name, message in errors.items():
            self.add_error(name, message)
        cleaned["field"], cleaned["value"] = field, value
        return cleaned


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
    edit_handler = ObjectList(ScoringRule.panels, base_form_class=ScoringRuleForm)
    list_display = [
        "label",
        "signal",
        "field",
        "value",
        Column("points", label="Points", accessor=lambda rule: signed(rule.points)),
        Column("decays", label="Decays", accessor=lambda rule: "Yes" if rule.decays else "No"),
    ]
    list_filter = ["signal", "decays"]
    search_fields = ["label", "field", "value"]
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
