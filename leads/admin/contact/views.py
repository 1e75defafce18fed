"""A contact's page in the sales workspace, at /admin/leads/contacts/<pk>/, and its writes.

Sales review the person's submissions here (only the allowed next statuses are offered),
assign them, retry failed deliveries and keep notes. Every write goes through
leads/services/ and answers with a redirect (Post/Redirect/Get), except a refused form,
which is shown again with its errors. No personal data in URLs or the page title
("Contact #12"): only ids.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ... import extension_points, services
from ...audit import status_label
from ...models import Contact, Delivery, ScoringSettings, Status, Suppression, email_digest
from ...permissions import (
    ADD_NOTE,
    EDIT_NOTE,
    VIEW_CONTACTS,
    WORK_LEADS,
    may_review_leads,
    may_view_contacts,
)
from ...staff import user_label
from .forms import AssignForm, NoteForm, StatusForm, SubmissionCard
from .record import ContactRecord, assignable_users, explanation_rows


class ContactMixin:
    """Who may open a contact: people with leads.view_contact. The check comes before the
    lookup, so a guessed id tells someone without rights nothing; with rights, 404."""

    permission_required = VIEW_CONTACTS

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not may_view_contacts(user) or not user.has_perm(self.permission_required):
            return permission_denied(request)
        self.contact = get_object_or_404(Contact, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def back(self, anchor=""):
        url = reverse("leads_contact:detail", args=[self.contact.pk])
        return redirect(f"{url}#{anchor}" if anchor else url)


# The newest submissions and timeline events shown in full; older ones are one line each (or
# hidden, for the timeline) until "Show all" (?all=1). Rendering a review card with its forms
# is what a long history costs (profiled: the queries are a fixed 18, the template ~95%).
FULL_SUBMISSIONS = 10
TIMELINE_ITEMS = 50


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
        can_review = may_review_leads(user)
        choices = assignable_users() if can_review else []
        show_all = self.request.GET.get("all") == "1"
        refused = {key[1] for key in bound if isinstance(key, tuple)}
        cards, older = [], []
        for index, submission in enumerate(record.submissions):
            if not (show_all or index < FULL_SUBMISSIONS or submission.pk in refused):
                older.append(submission)
                continue
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
            older=older,
            show_all=show_all,
            timeline=record.timeline if show_all else record.timeline[:TIMELINE_ITEMS],
            timeline_hidden=0 if show_all else max(len(record.timeline) - TIMELINE_ITEMS, 0),
            notes=notes,
            note_form=bound.get("note_add")
            or (NoteForm(prefix="note-add") if user.has_perm(ADD_NOTE) else None),
            can_review=can_review,
            hot_threshold=settings.hot_threshold,
            is_hot=settings.is_hot(self.contact.score),
            suppression=Suppression.objects.filter(digest=email_digest(self.contact.email)).first(),
            engagement=self.contact.engagement_now(),
            score_explanation=explanation_rows(self.contact.score_explanation),
            retryable=services.RETRYABLE,
            status_choices=Status,
            extra_panels=extension_points.contact_panels(
                request=self.request, contact=self.contact
            ),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)


class ActionView(ContactView):
    """A write on the contact page: POST only, then back to the page."""

    http_method_names = ["post"]

    def refused(self, key, form, message: str):
        messages.error(self.request, message)
        return self.render_page(bound={key: form}, status=400)


class SubmissionStatusView(ActionView):
    permission_required = WORK_LEADS

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
    permission_required = WORK_LEADS

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
    permission_required = WORK_LEADS

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
