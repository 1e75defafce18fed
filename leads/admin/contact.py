"""A contact's page in the sales workspace, at /admin/leads/contacts/<pk>/.

Everything known about one person on one page: details, score and its explanation, first and
latest touch, consent records, and a timeline of every submission, download, email or webhook,
status change, assignment and note. Sales review the person's submissions here (only the
allowed next statuses are offered), assign them, retry failed deliveries and keep notes.

Reads are batched so the page costs the same number of queries however long the history is;
every write goes through leads/services.py and answers with a redirect (Post/Redirect/Get),
except a refused form, which is shown again with its errors.
No personal data in URLs or the page title ("Contact #12"): only ids.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views import View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import LogFormatter
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy

from .. import services
from ..exports import SafeSpreadsheetExportMixin
from ..models import (
    Contact,
    Delivery,
    DeliveryKind,
    DownloadEvent,
    Note,
    ScoringSettings,
    Status,
    Submission,
)
from ..staff import lead_workers, user_label

VIEW = "leads.view_contact"
REVIEW = "leads.change_submission"  # change status, assign, retry deliveries
ADD_NOTE = "leads.add_note"
EDIT_NOTE = "leads.change_note"


def status_label(value) -> str:
    try:
        return Status(value).label
    except ValueError:
        return str(value or "-")


# Audit log ---------------------------------------------------------------------------------
# How the actions this page shows read in Wagtail's own history and "Logs" report: statuses
# and ids only, never the reason (free text that may name the person) or any other lead data.


class StatusChangeFormatter(LogFormatter):
    label = "Change lead status"

    def format_message(self, log_entry):
        data = log_entry.data
        return format_html(
            "Status changed from {} to {}",
            status_label(data.get("from")).lower(),
            status_label(data.get("to")).lower(),
        )


class AssignFormatter(LogFormatter):
    label = "Assign lead"

    def format_message(self, log_entry):
        to = log_entry.data.get("to")
        return f"Assigned to user #{to}" if to else "Unassigned"


class NoteAddFormatter(LogFormatter):
    label = "Add note"

    def format_message(self, log_entry):
        return f"Note #{log_entry.data.get('note', '?')} added"


class NoteEditFormatter(LogFormatter):
    label = "Edit note"

    def format_message(self, log_entry):
        return f"Note #{log_entry.data.get('note', '?')} edited"


class DeliveryRetryFormatter(LogFormatter):
    label = "Retry delivery"

    def format_message(self, log_entry):
        try:
            kind = DeliveryKind(log_entry.data.get("kind")).label
        except ValueError:
            kind = "delivery"
        return f"Retry of {kind.lower()} #{log_entry.data.get('delivery', '?')} requested"


class ExportFormatter(LogFormatter):
    """An export of personal data (services.export_record): format, rows and filters."""

    label = "Export personal data"

    def format_message(self, log_entry):
        data = log_entry.data
        rows = data.get("rows", "?")
        message = f"{rows} row{'' if rows == 1 else 's'} exported as {data.get('format', '?')}"
        filters = data.get("filters") or {}
        if filters:
            message += " (" + ", ".join(f"{key}: {value}" for key, value in filters.items()) + ")"
        return message


LOG_FORMATTERS = {
    "leads.status_change": StatusChangeFormatter,
    "leads.assign": AssignFormatter,
    "leads.note_add": NoteAddFormatter,
    "leads.note_edit": NoteEditFormatter,
    "leads.delivery_retry": DeliveryRetryFormatter,
    services.EXPORT_ACTION: ExportFormatter,
}


# Forms -------------------------------------------------------------------------------------


class StatusForm(forms.Form):
    """Move one submission on: one button per allowed next status, and a reason."""

    to = forms.ChoiceField(label="New status")
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to disqualify, e.g. 'No budget this year'. Recorded in the history.",
    )

    def __init__(self, *args, submission: Submission, **kwargs):
        super().__init__(*args, prefix=f"status-{submission.pk}", **kwargs)
        self.submission = submission
        self.fields["to"].choices = [
            (value, status_label(value)) for value in services.allowed_transitions(submission)
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") in services.REASON_REQUIRED and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give a reason to disqualify this lead.")
        return cleaned

    @property
    def buttons(self):
        """(field name, value, label) of each submit button: the allowed next statuses."""
        name = self["to"].html_name
        return [(name, value, label) for value, label in self.fields["to"].choices]


class AssignForm(forms.Form):
    owner = forms.TypedChoiceField(
        label="Owner",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Who works this lead. Only active people with lead rights are listed.",
    )

    def __init__(self, *args, submission: Submission, choices, **kwargs):
        super().__init__(
            *args,
            prefix=f"assign-{submission.pk}",
            initial={"owner": submission.owner_id},
            **kwargs,
        )
        self.fields["owner"].choices = [("", "Unassigned"), *choices]


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by everyone with lead rights, e.g. 'Called on Tuesday: decision in March.'",
    )


# Reading the page --------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: datetime.datetime
    kind: str  # submission, download, delivery, status_change, assign, note, log
    who: str
    obj: object = None
    submission: Submission | None = None
    entry: ModelLogEntry | None = None
    rows: list[tuple[str, str]] = field(default_factory=list)  # label, value


@dataclass
class SubmissionCard:
    """One submission with the review forms the current user may use on it."""

    submission: Submission
    status_form: StatusForm | None = None
    assign_form: AssignForm | None = None


@dataclass
class ContactRecord:
    """Everything on the contact page, read in a fixed number of queries."""

    contact: Contact
    submissions: list[Submission]
    notes: list[Note]
    subscriptions: list
    log_entries: list[ModelLogEntry]
    submission_type_id: int
    users: dict = field(default_factory=dict)

    @classmethod
    def load(cls, contact: Contact) -> "ContactRecord":
        submissions = list(
            contact.submissions.live()
            .select_related("consent", "owner")
            .prefetch_related(
                Prefetch("deliveries", queryset=Delivery.objects.order_by("created_at", "pk")),
                Prefetch("downloads", queryset=DownloadEvent.objects.select_related("document")),
            )
            .order_by("-received_at", "-pk")
        )
        submission_type = ContentType.objects.get_for_model(Submission)
        contact_type = ContentType.objects.get_for_model(Contact)
        log_entries = list(
            ModelLogEntry.objects.filter(
                Q(content_type=submission_type, object_id__in=[str(s.pk) for s in submissions])
                | Q(content_type=contact_type, object_id=str(contact.pk))
            )
            .exclude(action="leads.note_add")  # the note itself is on the timeline
            .select_related("user")
        )
        user_ids = {
            entry.data.get(key)
            for entry in log_entries
            if entry.action == "leads.assign"
            for key in ("from", "to")
        } - {None}
        return cls(
            contact=contact,
            submissions=submissions,
            notes=list(contact.notes.select_related("author")),
            subscriptions=list(contact.subscriptions.select_related("cta")),
            log_entries=log_entries,
            submission_type_id=submission_type.pk,
            users=get_user_model().objects.in_bulk(user_ids) if user_ids else {},
        )

    @cached_property
    def first_submission(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    @cached_property
    def latest_submission(self) -> Submission | None:
        return self.submissions[0] if self.submissions else None

    @cached_property
    def first_touch(self) -> list[tuple[str, str]]:
        """The landing page, referrer and campaign of the visit that first brought them."""
        first = self.first_submission
        if first is None:
            return []
        touch = first.first_touch or {
            "landing_page": first.landing_page,
            "referrer": first.referrer,
        }
        return touch_rows(touch)

    @cached_property
    def latest_touch(self) -> list[tuple[str, str]]:
        latest = self.latest_submission
        if latest is None:
            return []
        return touch_rows(
            {
                "landing_page": latest.landing_page,
                "referrer": latest.referrer,
                **{key: getattr(latest, key) for key in UTM_LABELS},
            }
        )

    def user_name(self, user_id) -> str:
        if not user_id:
            return "Unassigned"
        user = self.users.get(user_id)
        return user_label(user) if user else f"user #{user_id}"

    @cached_property
    def timeline(self) -> list[TimelineItem]:
        """Every event, newest first."""
        person = self.contact.name or "The contact"
        by_id = {str(s.pk): s for s in self.submissions}
        items = []
        for submission in self.submissions:
            answers = [
                (name.replace("_", " ").capitalize(), str(value))
                for name, value in submission.answers.items()
            ]
            items.append(
                TimelineItem(
                    submission.received_at,
                    "submission",
                    person,
                    submission,
                    submission,
                    rows=answers,
                )
            )
            for download in submission.downloads.all():
                items.append(
                    TimelineItem(download.downloaded_at, "download", person, download, submission)
                )
            for delivery in submission.deliveries.all():
                at = delivery.done_at or delivery.last_attempt_at or delivery.created_at
                items.append(TimelineItem(at, "delivery", "System", delivery, submission))
        for entry in self.log_entries:
            kind = {
                "leads.status_change": "status_change",
                "leads.assign": "assign",
            }.get(entry.action, "log")
            if kind == "assign":
                entry.change = (
                    self.user_name(entry.data.get("from")),
                    self.user_name(entry.data.get("to")),
                )
            elif kind == "status_change":
                entry.change = (
                    status_label(entry.data.get("from")),
                    status_label(entry.data.get("to")),
                )
            items.append(
                TimelineItem(
                    entry.timestamp,
                    kind,
                    entry.user_display_name,
                    entry=entry,
                    submission=by_id.get(entry.object_id)
                    if entry.content_type_id == self.submission_type_id
                    else None,
                )
            )
        for note in self.notes:
            items.append(TimelineItem(note.created_at, "note", user_label(note.author), note))
        # Newest first; within one instant, effects above their cause (a delivery above the
        # submission it follows up), as if they came a moment later.
        order = ["note", "log", "assign", "status_change", "delivery", "download", "submission"]
        items.sort(key=lambda item: (item.at, -order.index(item.kind)), reverse=True)
        return items


UTM_LABELS = {
    "utm_source": "UTM source",
    "utm_medium": "UTM medium",
    "utm_campaign": "UTM campaign",
    "utm_term": "UTM term",
    "utm_content": "UTM content",
}
TOUCH_LABELS = {"landing_page": "Landing page", "referrer": "Referrer", **UTM_LABELS}


def touch_rows(touch: dict) -> list[tuple[str, str]]:
    """Label and value of each known attribution field, in a fixed order; visitor-supplied
    text, so templates show it escaped and never as a link."""
    return [(label, str(touch.get(key) or "")) for key, label in TOUCH_LABELS.items()]


def assignable_users() -> list[tuple[int, str]]:
    return [(user.pk, user_label(user)) for user in lead_workers()]


# Views -------------------------------------------------------------------------------------


class ContactMixin:
    """Who may open a contact: people with leads.view_contact. The check comes before the
    lookup, so a guessed id tells someone without rights nothing; with rights, 404."""

    permission_required = VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW) or not request.user.has_perm(self.permission_required):
            return permission_denied(request)
        self.contact = get_object_or_404(Contact, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def back(self, anchor=""):
        url = reverse("leads_contact:detail", args=[self.contact.pk])
        return redirect(f"{url}#{anchor}" if anchor else url)


class ContactView(ContactMixin, WagtailAdminTemplateMixin, View):
    template_name = "leads/admin/contact/detail.html"
    header_icon = "user"

    def get(self, request, pk):
        return self.render_page()

    def get_page_title(self):
        return f"Contact #{self.contact.pk}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("leads_contact:index"), "label": "Contacts"},
            {"url": "", "label": self.get_page_title()},
        ]

    def render_page(self, *, bound: dict | None = None, status: int = 200):
        """The page, with `bound` forms (by key) in place of fresh ones to show their errors."""
        bound = bound or {}
        user = self.request.user
        record = ContactRecord.load(self.contact)
        can_review = user.has_perm(REVIEW)
        choices = assignable_users() if can_review else []
        cards = []
        for submission in record.submissions:
            card = SubmissionCard(submission)
            if can_review:
                card.status_form = bound.get(("status", submission.pk)) or StatusForm(
                    submission=submission
                )
                card.assign_form = bound.get(("assign", submission.pk)) or AssignForm(
                    submission=submission, choices=choices
                )
            cards.append(card)
        can_edit_notes = user.has_perm(EDIT_NOTE)
        notes = [
            (
                note,
                (
                    bound.get(("note", note.pk))
                    or NoteForm(prefix=f"note-{note.pk}", initial={"text": note.text})
                )
                if can_edit_notes and note.author_id == user.pk
                else None,
            )
            for note in record.notes
        ]
        settings = ScoringSettings.load(request_or_site=self.request)
        context = self.get_context_data(
            contact=self.contact,
            record=record,
            cards=cards,
            notes=notes,
            note_form=bound.get("note_add")
            or (NoteForm(prefix="note-add") if user.has_perm(ADD_NOTE) else None),
            can_review=can_review,
            hot_threshold=settings.hot_threshold,
            is_hot=settings.is_hot(self.contact.score),
            score_explanation=explanation_rows(self.contact.score_explanation),
            retryable=services.RETRYABLE,
            status_choices=Status,
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)


def explanation_rows(explanation) -> list[tuple[str, str]]:
    """[label, points] pairs as "+40" / "-6" (shown with a real minus sign, as in the issue)."""
    rows = []
    for item in explanation or []:
        try:
            label, points = item[0], round(float(item[1]))
        except (TypeError, ValueError, IndexError):
            continue
        rows.append((str(label), f"+{points}" if points >= 0 else f"\u2212{-points}"))
    return rows


class ActionView(ContactView):
    """A write on the contact page: POST only, then back to the page."""

    http_method_names = ["post"]

    def refused(self, key, form, message: str):
        messages.error(self.request, message)
        return self.render_page(bound={key: form}, status=400)


class SubmissionStatusView(ActionView):
    permission_required = REVIEW

    def post(self, request, pk, submission_pk):
        submission = get_object_or_404(self.contact.submissions.live(), pk=submission_pk)
        form = StatusForm(request.POST, submission=submission)
        key = ("status", submission.pk)
        if not form.is_valid():
            return self.refused(key, form, f"The status of {submission} was not changed.")
        try:
            services.submission_set_status(
                submission=submission,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.refused(key, form, f"The status of {submission} was not changed.")
        messages.success(
            request, f"{submission} is now {status_label(form.cleaned_data['to']).lower()}."
        )
        return self.back(f"submission-{submission.pk}")


class SubmissionAssignView(ActionView):
    permission_required = REVIEW

    def post(self, request, pk, submission_pk):
        submission = get_object_or_404(self.contact.submissions.live(), pk=submission_pk)
        form = AssignForm(request.POST, submission=submission, choices=assignable_users())
        key = ("assign", submission.pk)
        if not form.is_valid():
            return self.refused(key, form, f"{submission} was not assigned.")
        owner_id = form.cleaned_data["owner"]
        owner = get_user_model().objects.get(pk=owner_id) if owner_id else None
        try:
            services.submission_assign(submission=submission, owner=owner, by=request.user)
        except ValidationError as error:
            form.add_error("owner", error)
            return self.refused(key, form, f"{submission} was not assigned.")
        messages.success(
            request,
            f"{submission} assigned to {user_label(owner)}."
            if owner
            else f"{submission} is now unassigned.",
        )
        return self.back(f"submission-{submission.pk}")


# The notes panel's id: Wagtail's {% panel id="notes" %} renders <section id="notes-section">.
NOTES_ANCHOR = "notes-section"


class NoteAddView(ActionView):
    permission_required = ADD_NOTE

    def post(self, request, pk):
        form = NoteForm(request.POST, prefix="note-add")
        if not form.is_valid():
            return self.refused("note_add", form, "The note was not added.")
        try:
            services.note_add(contact=self.contact, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            form.add_error("text", error)
            return self.refused("note_add", form, "The note was not added.")
        messages.success(request, "Note added.")
        return self.back(NOTES_ANCHOR)


class NoteEditView(ActionView):
    permission_required = EDIT_NOTE

    def post(self, request, pk, note_pk):
        note = get_object_or_404(self.contact.notes, pk=note_pk)
        form = NoteForm(request.POST, prefix=f"note-{note.pk}")
        key = ("note", note.pk)
        if not form.is_valid():
            return self.refused(key, form, f"{note} was not changed.")
        try:
            services.note_edit(note=note, text=form.cleaned_data["text"], by=request.user)
        except PermissionDenied:
            messages.error(request, "Only the author of a note can edit it.")
            return self.back(NOTES_ANCHOR)
        except ValidationError as error:
            form.add_error("text", error)
            return self.refused(key, form, f"{note} was not changed.")
        messages.success(request, f"{note} updated.")
        return self.back(f"note-{note.pk}")


class DeliveryRetryView(ActionView):
    permission_required = REVIEW

    def post(self, request, pk, delivery_pk):
        delivery = get_object_or_404(
            Delivery.objects.filter(
                submission__contact=self.contact, submission__erased_at__isnull=True
            ),
            pk=delivery_pk,
        )
        try:
            services.delivery_retry(delivery=delivery, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{delivery.get_kind_display()} for submission #{delivery.submission_id} "
                "will be sent again.",
            )
        return self.back(f"delivery-{delivery.pk}")


class ContactIndexView(SafeSpreadsheetExportMixin, IndexView):
    """All contacts, searchable by name, email and company; each opens its contact page.
    People with the export right download the listed contacts (`?export=csv` or `xlsx`,
    streamed and formula-safe, see leads/exports.py); anyone else gets a 404."""

    model = Contact
    any_permission_required = ["view"]
    search_fields = ["name", "email", "company"]
    page_title = "Contacts"
    header_icon = "user"
    default_ordering = "-updated_at"
    list_display = [
        TitleColumn("name", label="Name", get_url=lambda contact: contact_url(contact)),
        Column("email", label="Email"),
        Column("company", label="Company"),
        Column("score", label="Score", sort_key="score"),
        # The contact's own time, not Wagtail's default (its latest audit-log entry).
        DateColumn("updated_at", label="Updated", sort_key="updated_at"),
    ]
    export_permission = "leads.export_submission"
    export_filename = "contacts"
    export_sheet_title = "Contacts"
    export_audit_label = "Contacts export"
    list_export = [
        "name",
        "email",
        "company",
        "phone",
        "job_title",
        "score",
        "created_at",
        "updated_at",
        "unsubscribed_at",
    ]
    export_headings = {"created_at": "First seen", "updated_at": "Updated"}

    def export_refused(self):
        raise Http404

    @cached_property
    def permission_policy(self):
        return ModelPermissionPolicy(Contact)


def contact_url(contact: Contact) -> str:
    return reverse("leads_contact:detail", args=[contact.pk])


class ContactViewSet(ViewSet):
    name = "leads_contact"
    url_prefix = "leads/contacts"
    icon = "user"

    def get_urlpatterns(self):
        index = self.construct_view(
            ContactIndexView,
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
        )
        results = self.construct_view(
            ContactIndexView,
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            results_only=True,
        )
        return [
            path("", index, name="index"),
            path("results/", results, name="index_results"),
            path("<int:pk>/", ContactView.as_view(), name="detail"),
            path(
                "<int:pk>/submissions/<int:submission_pk>/status/",
                SubmissionStatusView.as_view(),
                name="status",
            ),
            path(
                "<int:pk>/submissions/<int:submission_pk>/assign/",
                SubmissionAssignView.as_view(),
                name="assign",
            ),
            path("<int:pk>/notes/", NoteAddView.as_view(), name="note_add"),
            path("<int:pk>/notes/<int:note_pk>/", NoteEditView.as_view(), name="note_edit"),
            path(
                "<int:pk>/deliveries/<int:delivery_pk>/retry/",
                DeliveryRetryView.as_view(),
                name="delivery_retry",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_contact_viewset():
    return ContactViewSet()


class ContactsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW)


@hooks.register("register_leads_menu_item")
def register_contacts_menu_item():
    return ContactsMenuItem("Contacts", reverse("leads_contact:index"), icon_name="user", order=200)
