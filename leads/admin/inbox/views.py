"""The inbox's screens: the review queue with its columns, and a submission's record.

A Wagtail IndexView of submissions, so filters, search, sorting, pagination and exports work
(and look) like every other Wagtail listing. It opens on the review queue (new and in review,
newest first). Nothing personal reaches a URL or a page title: rows link to the contact page
by id.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import (
    BaseColumn,
    Column,
    DateColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import (
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.usage import UsageView

from ... import kinds, search
from ...exports import AnswerColumnsMixin, SafeSpreadsheetExportMixin
from ...models import ScoringSettings, Status, Submission
from ...permissions import EXPORT_LEADS, may_review_leads
from ...staff import user_label
from .bulk import BulkActionForm
from .filters import MINE, OPEN, QUEUE_STATUSES

# Columns ----------------------------------------------------------------------------------


class SelectColumn(BaseColumn):
    """A checkbox per row for the bulk actions; its label is the row's name, by reference."""

    header_template_name = "leads/admin/inbox/select_all_cell.html"
    cell_template_name = "leads/admin/inbox/select_cell.html"


class ShortTextColumn(Column):
    """Text cut short with an ellipsis where the column has no room; the whole text stays
    in the cell's title (its tooltip) and in the DOM for screen readers."""

    cell_template_name = "leads/admin/inbox/short_text_cell.html"


class StatusReasonColumn(StatusTagColumn):
    """The status tag; for a quarantined lead, why it was quarantined, under it (the spam
    reasons recorded at capture, leads/capture/spam.py)."""

    cell_template_name = "leads/admin/inbox/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["reasons"] = instance.spam_reasons if instance.status == Status.SPAM else []
        return context


def row_title_id(submission: Submission) -> str:
    return f"lead-{submission.pk}-name"


def owner_label(submission: Submission) -> str:
    return user_label(submission.owner) if submission.owner_id else "Unassigned"


def owner_cell(owner) -> str | None:
    """The owner in an export as the inbox shows them ("Sam Seller"), not their login name."""
    return user_label(owner) if owner else None


# Views ------------------------------------------------------------------------------------


class InboxIndexView(AnswerColumnsMixin, SafeSpreadsheetExportMixin, IndexView):
    """The review queue, its filters and search, and the export of what is listed (streamed
    and formula-safe; only with leads.export_submission: see leads/exports/)."""

    page_title = "Lead inbox"
    template_name = "leads/admin/inbox/index.html"
    export_permission = EXPORT_LEADS
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

    def search_queryset(self, queryset):
        """Wagtail's search (each field contains the words), from indexes: leads/search.py."""
        if not self.is_searching:
            return queryset
        # The page's contacts and owners in two small queries: joined, the database would
        # join every match (thousands for a common word) before keeping the newest 20.
        found = search.matching(queryset, self.search_query)
        return found.select_related(None).prefetch_related("contact", "owner")

    def order_queryset(self, queryset):
        # A tie-breaker, so that equal scores or names never repeat or skip rows across pages.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")

    @cached_property
    def export_cta(self):
        """The one CTA the list is filtered to, if any: its export has a column per question."""
        if self.filters is not None and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("cta")
        return None

    def as_spreadsheet(self, queryset, spreadsheet_format):
        columns, headings = self.answer_columns_for(self.export_cta)
        at = self.list_export.index("page_title") + 1
        self.list_export = [*self.list_export[:at], *columns, *self.list_export[at:]]
        self.export_headings = {**self.export_headings, **headings}
        queryset = self.with_answer_columns(queryset, columns)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    @cached_property
    def can_review(self) -> bool:
        return may_review_leads(self.request.user)

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "person_name",
                # A newsletter signup gives no name: the link still needs words.
                accessor=lambda submission: submission.person_name or "(no name given)",
                label="Name",
                classname="leads-inbox__name",
                sort_key="contact__name",
                get_url=self.get_row_url,
                get_title_id=row_title_id,
            ),
            ShortTextColumn("person_email", label="Email", classname="leads-inbox__email"),
            ShortTextColumn(
                "company",
                label="Company",
                sort_key="contact__company",
                classname="leads-inbox__company",
            ),
            Column(
                "cta_kind",
                label="CTA kind",
                accessor=lambda submission: kinds.short_label(submission.cta_kind),
            ),
            ShortTextColumn("page_title", label="Article", classname="leads-inbox__article"),
            Column("score", label="Score", sort_key="contact__score"),
            StatusReasonColumn(
                "status",
                label="Status",
                classname="leads-inbox__status",
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

    @cached_property
    def queues(self) -> list[dict]:
        """The queues as chips: each a link to the list narrowed to it (the search kept), the
        one in force marked current. Other filters show as Wagtail's active-filter pills."""
        hot = ScoringSettings.load().hot_threshold
        chips = [
            ("Review queue", {}),
            ("New", {"status": Status.NEW.value}),
            ("In review", {"status": Status.IN_REVIEW.value}),
            ("Mine", {"status": OPEN, "owner": MINE}),
            ("Hot", {"status": OPEN, "score_min": str(hot)}),
            ("Quarantine", {"status": Status.SPAM.value}),
        ]
        ignored = {"q", "p", "ordering", "_w_filter_fragment", "export"}
        current = {k: v for k, v in self.request.GET.items() if v and k not in ignored}
        search = {"q": self.request.GET["q"]} if self.request.GET.get("q") else {}
        return [
            {
                "label": label,
                "url": f"{self.index_url}?{urlencode({**params, **search})}"
                if params or search
                else self.index_url,
                "current": current == params,
            }
            for label, params in chips
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["queues"] = self.queues
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
