"""The lead inbox at /admin/leads/: the review queue sales spend their day in.

A Wagtail ModelViewSet of submissions, so filters, search, sorting, pagination and exports
work (and look) like every other Wagtail listing. It opens on the review queue (new and in
review, newest first); the filters are in leads/inbox_filters.py. Ticked rows can be
qualified, disqualified, marked as spam, released or assigned in one go (BulkActionView): ids
travel in the POST body only, and every change goes through leads/services.py, which decides
what the workflow allows and logs each change.

Nothing personal reaches a URL or a page title: rows link to the contact page by id.
"""

from collections import Counter

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from django.views import View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import (
    BaseColumn,
    Column,
    DateColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import (
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

from .. import services
from ..exports import SafeSpreadsheetExportMixin
from ..ids import IdModelMultipleChoiceField
from ..inbox_filters import QUEUE_STATUSES, InboxFilterSet
from ..models import Status, Submission
from ..staff import lead_workers, user_label

REVIEW = "leads.change_submission"


def plural(count: int, word: str = "lead") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# Columns ----------------------------------------------------------------------------------


class SelectColumn(BaseColumn):
    """A checkbox per row for the bulk actions; its label is the row's name, by reference."""

    header_template_name = "leads/admin/inbox/select_all_cell.html"
    cell_template_name = "leads/admin/inbox/select_cell.html"


def row_title_id(submission: Submission) -> str:
    return f"lead-{submission.pk}-name"


def owner_label(submission: Submission) -> str:
    return user_label(submission.owner) if submission.owner_id else "Unassigned"


def owner_cell(owner) -> str | None:
    """The owner in an export as the inbox shows them ("Sam Seller"), not their login name."""
    return user_label(owner) if owner else None


# Views ------------------------------------------------------------------------------------


class InboxIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The review queue, its filters and search, and the export of what is listed (streamed
    and formula-safe; only with leads.export_submission: see leads/exports.py)."""

    page_title = "Lead inbox"
    export_audit_label = "Lead inbox export"
    results_template_name = "leads/admin/inbox/index_results.html"
    custom_field_preprocess = {"owner": {"csv": owner_cell, "xlsx": owner_cell}}

    def get_base_queryset(self):
        # Erased people are gone for good; the joins are what each row shows, so a page costs
        # the same few queries however many rows it has.
        return Submission.objects.live().select_related("contact", "owner")

    def filter_queryset(self, queryset):
        if self.filters and not self.filters.is_valid():
            # A filter that does not validate (a score of "abc") shows its error; the list
            # stays the review queue rather than falling back to everything, spam included.
            return queryset.filter(status__in=QUEUE_STATUSES)
        return super().filter_queryset(queryset)

    def order_queryset(self, queryset):
        # A tie-breaker, so that equal scores or names never repeat or skip rows across pages.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")

    @cached_property
    def can_review(self) -> bool:
        return self.request.user.has_perm(REVIEW)

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "person_name",
                # A newsletter signup gives no name: the link still needs words.
                accessor=lambda submission: submission.person_name or "(no name given)",
                label="Name",
                sort_key="contact__name",
                get_url=self.get_row_url,
                get_title_id=row_title_id,
            ),
            Column("person_email", label="Email"),
            Column("company", label="Company", sort_key="contact__company"),
            Column("cta_kind", label="CTA kind", accessor="get_cta_kind_display"),
            Column("page_title", label="Article"),
            Column("score", label="Score", sort_key="contact__score"),
            StatusTagColumn(
                "status",
                label="Status",
                accessor="get_status_display",
                sort_key="status",
                primary=lambda submission: submission.status == Status.NEW,
            ),
            Column("owner", label="Owner", accessor=owner_label),
            DateColumn("received_at", label="Received", sort_key="received_at"),
        ]
        if self.can_review:
            columns.insert(0, SelectColumn("select", label="Select"))
        return columns

    @cached_property
    def contact_url_pattern(self) -> str:
        """The contact page's URL with a placeholder id, found once per request."""
        try:
            return reverse("leads_contact:detail", args=[0]).replace("/0/", "/{}/")
        except NoReverseMatch:  # the contact page is not installed: its agreed address
            return reverse("leads_inbox:index") + "contacts/{}/"

    def get_row_url(self, submission: Submission) -> str:
        """A lead opens its contact's page; a quarantined one (no contact yet) its record."""
        if submission.contact_id:
            return self.contact_url_pattern.format(submission.contact_id)
        return reverse("leads_inbox:inspect", args=[submission.pk])

    @cached_property
    def no_results_message(self):
        if (
            self.filters
            and not self.filters.status_view
            and (self.is_searching or self.is_filtering)
        ):
            return (
                "No lead in the review queue matches. To look further, choose the status "
                "'All but spam' in the filters."
            )
        if not (self.is_searching or self.is_filtering):
            return "The review queue is empty: every new lead has been looked at."
        return "No lead matches."

    @cached_property
    def listing_url(self) -> str:
        """This list as the user sees it (filters, search, sort, page), to come back to after
        a bulk action; also when it was refreshed in place through the results URL."""
        params = self.request.GET.copy()
        for internal in ("_w_filter_fragment", "export"):
            params.pop(internal, None)
        return f"{self.index_url}?{params.urlencode()}" if params else self.index_url

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if self.can_review:
            context["bulk_form"] = BulkActionForm(initial={"next": self.listing_url})
            context["bulk_url"] = reverse("leads_inbox:bulk")
        return context


class CheckRightsFirstMixin:
    """Rights are checked before the submission is looked up, so a guessed id answers like a
    real one to someone without rights; with rights, an unknown or erased id is a 404."""

    def setup(self, request, *args, **kwargs):
        self.request = request
        needed = self.any_permission_required or [self.permission_required]
        if not self.user_has_any_permission(needed):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(Submission.objects.live(), pk=self.kwargs[self.pk_url_kwarg])


class InboxInspectView(CheckRightsFirstMixin, InspectView):
    """A submission's full record; where quarantined ones (with no contact yet) open."""

    def get_page_title(self):
        return "Submission"


class ClosedEditView(CheckRightsFirstMixin, EditView):
    pass


class ClosedDeleteView(CheckRightsFirstMixin, DeleteView):
    pass


class ClosedHistoryView(CheckRightsFirstMixin, HistoryView):
    pass


class ClosedUsageView(CheckRightsFirstMixin, UsageView):
    pass


# Bulk actions -----------------------------------------------------------------------------

BULK_ACTIONS = {  # action -> (label, status it moves to, past tense for the message)
    "in_review": ("Start review", Status.IN_REVIEW, "moved to review"),
    "qualify": ("Qualify", Status.QUALIFIED, "qualified"),
    "disqualify": ("Disqualify (give a reason)", Status.DISQUALIFIED, "disqualified"),
    "spam": ("Mark as spam", Status.SPAM, "quarantined as spam"),
    "release": ("Release from quarantine", Status.NEW, "released from quarantine"),
    "assign": ("Assign to (choose the owner)", None, "assigned"),
}
UNASSIGN = "nobody"


class BulkActionForm(forms.Form):
    """One action on the ticked rows. The checkboxes are the listing's own (name "ids")."""

    ids = IdModelMultipleChoiceField(
        queryset=Submission.objects.live(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "Tick at least one lead first.",
            "invalid_choice": "Some ticked leads no longer exist: reload the list.",
            "invalid_pk_value": "Some ticked leads no longer exist: reload the list.",
        },
    )
    action = forms.ChoiceField(
        label="Action",
        choices=[("", "Choose an action"), *((k, v[0]) for k, v in BULK_ACTIONS.items())],
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        help_text="Required to disqualify, e.g. 'No budget this year'.",
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        # Its own ids: the filters on the same page have an "owner" field too.
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", "Choose the owner"),
            (UNASSIGN, "Nobody (unassign)"),
            *((str(user.pk), user_label(user)) for user in lead_workers()),
        ]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "disqualify" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give a reason to disqualify.")
        if action == "assign" and not cleaned.get("owner"):
            self.add_error("owner", "Choose who gets the leads, or 'Nobody' to unassign.")
        return cleaned

    @cached_property
    def new_owner(self):
        value = self.cleaned_data.get("owner")
        if value in ("", UNASSIGN, None):
            return None
        return lead_workers().get(pk=value)

    def save(self, *, by) -> tuple[str, services.BulkResult]:
        """Apply the action through the services; returns what it did, for the message."""
        submissions = self.cleaned_data["ids"]
        action = self.cleaned_data["action"]
        if action == "assign":
            owner = self.new_owner
            done = f"assigned to {user_label(owner)}" if owner else "unassigned"
            return done, services.submissions_assign(submissions=submissions, owner=owner, by=by)
        _, status, done = BULK_ACTIONS[action]
        result = services.submissions_set_status(
            submissions=submissions, to=status, by=by, reason=self.cleaned_data["reason"]
        )
        return done, result


class BulkActionView(View):
    """POST only: apply one action to the ticked leads, then back to the same list.

    A missing reason or owner shows the action again with its error, the selection kept."""

    http_method_names = ["post"]
    template_name = "leads/admin/inbox/bulk_action.html"

    def post(self, request):
        if not request.user.has_perm(REVIEW):
            raise PermissionDenied
        form = BulkActionForm(request.POST)
        back = get_valid_next_url_from_request(request) or reverse("leads_inbox:index")
        if not form.is_valid():
            if "ids" in form.errors or "action" in form.errors:
                for error in form.errors.get("ids", []) + form.errors.get("action", []):
                    messages.error(request, error)
                return redirect(back)
            return TemplateResponse(
                request,
                self.template_name,
                {"form": form, "count": len(form.cleaned_data["ids"]), "back": back},
                status=400,
            )
        try:
            done, result = form.save(by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        report(request, done, result)
        return redirect(back)


def report(request, done: str, result: services.BulkResult) -> None:
    """How many changed, and how many were left alone and why (no personal data)."""
    if result.changed:
        messages.success(request, f"{plural(len(result.changed))} {done}.")
    if result.refused:
        reasons = Counter(reason.rstrip(".") for reason in result.refused.values())
        why = "; ".join(f"{reason} ({count})" for reason, count in reasons.most_common())
        messages.warning(request, f"{plural(len(result.refused))} left unchanged: {why}.")


# Viewset ----------------------------------------------------------------------------------


class InboxViewSet(ModelViewSet):
    """Submissions as sales work them. Read-only as far as Wagtail's generic views go (see
    ReadOnlyPolicy in leads/wagtail_hooks.py): reviews happen through the bulk actions and the
    contact page, both of which call leads/services.py."""

    model = Submission
    name = "leads_inbox"
    url_prefix = "leads"
    icon = "mail"
    menu_label = "Inbox"
    menu_name = "leads-inbox"
    menu_hook = "register_leads_menu_item"  # the first item of the Leads menu, not the main menu
    menu_order = 100
    # Submissions are records, not content: tracking them would enqueue a reference-index task
    # with every lead (a queue outage would then cost the lead) and list each one as a "usage"
    # of its CTA and page.
    add_to_reference_index = False

    index_view_class = InboxIndexView
    inspect_view_class = InboxInspectView
    edit_view_class = ClosedEditView
    delete_view_class = ClosedDeleteView
    history_view_class = ClosedHistoryView
    usage_view_class = ClosedUsageView
    inspect_view_enabled = True

    filterset_class = InboxFilterSet
    ordering = "-received_at"
    list_per_page = 25
    search_fields = [
        "contact__name",
        "contact__email",
        "contact__company",
        "email",
        "answers__name",
        "answers__company",
        "answers__message",
    ]
    search_backend_name = None  # Django's icontains: submissions are not in the search index

    export_filename = "leads"
    list_export = [
        "received_at",
        "get_status_display",
        "person_name",
        "person_email",
        "company",
        "phone",
        "job_title",
        "get_cta_kind_display",
        "cta_title",
        "page_title",
        "budget",
        "timeline",
        "message",
        "score",
        "owner",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "consent_given",
    ]
    export_headings = {
        "received_at": "Received",
        "get_status_display": "Status",
        "person_name": "Name",
        "person_email": "Email",
        "company": "Company",
        "phone": "Phone",
        "job_title": "Job title",
        "get_cta_kind_display": "CTA kind",
        "cta_title": "CTA",
        "page_title": "Article",
        "budget": "Budget",
        "timeline": "Timeline",
        "message": "Message",
        "score": "Score",
        "owner": "Owner",
        "utm_source": "UTM source",
        "utm_medium": "UTM medium",
        "utm_campaign": "UTM campaign",
        "consent_given": "Consent given",
    }

    # Never offered (see ReadOnlyPolicy), but a ModelViewSet needs a form to build its URLs.
    form_fields = ["status"]
    inspect_view_fields = [
        "cta_kind",
        "cta_title",
        "page",
        "page_title",
        "status",
        "status_reason",
        "owner",
        "spam_reasons",
        "email",
        "answers",
        "consent_given",
        "consent_text",
        "consent_at",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "referrer",
        "landing_page",
        "first_touch",
        "received_at",
        "follow_up",
        "downloaded",
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("bulk/", BulkActionView.as_view(), name="bulk")]


@hooks.register("register_admin_viewset")
def register_inbox_viewset():
    return InboxViewSet()
