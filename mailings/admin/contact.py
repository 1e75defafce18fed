"""Email on a contact's page in the sales workspace (leads/admin/contact/), through the hooks
leads offers (leads/extension_points.py):

- a "Nurture sequences" panel: each enrolment (sequence, status, next step and when), with
  Pause, Resume and Remove, and "Add to a sequence", for people who work leads;
- on the timeline: each email sent to them (broadcast, sequence step or webinar reminder)
  with its delivery, bounce and first click; each enrolment's start and end, pauses and
  resumes.

Both read a fixed number of queries, however long the history. The writes are POSTs to
/admin/email/contacts/<pk>/enrolments/..., through mailings/sequences.py, then back to the
contact's page (Post/Redirect/Get).
"""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import ModelLogEntry

from leads.admin.contact import ContactMixin, TimelineItem
from leads.extension_points import ContactPanel
from leads.models import Contact
from leads.permissions import WORK_LEADS, may_review_leads

from .. import audience, sequences
from ..models import (
    Enrolment,
    Send,
    SendKind,
    SendStatus,
    SequenceStep,
    SequenceTrigger,
)

PANEL_ID = "enrolments"
ANCHOR = f"{PANEL_ID}-section"  # Wagtail's {% panel id=... %} renders "<id>-section"
# Sends shown on the timeline: what went out, or why it did not.
SHOWN_SENDS = (SendStatus.SENT, SendStatus.GAVE_UP, SendStatus.SKIPPED)


class AddForm(forms.Form):
    sequence = forms.ModelChoiceField(
        queryset=sequences.sequences_for_sales(),
        label="Sequence",
        empty_label="Choose a sequence",
    )

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sequence"]
        field.queryset = field.queryset.exclude(enrolments__contact=contact)
        field.label_from_instance = lambda sequence: (
            sequence.name
            if sequence.trigger == SequenceTrigger.MANUAL
            else f"{sequence.name} (also starts on its own)"
        )


def _enrolments(contact) -> list[Enrolment]:
    steps = SequenceStep.objects.select_related("email")
    return list(
        Enrolment.objects.filter(contact=contact)
        .select_related("sequence", "enrolled_by")
        .prefetch_related(Prefetch("sequence__steps", queryset=steps))
        .order_by("-started_at", "-pk")
    )


def enrolment_rows(enrolments: list[Enrolment]) -> list[dict]:
    """Each enrolment with its next step (email name and position) while it goes on."""
    rows = []
    for enrolment in enrolments:
        steps = list(enrolment.sequence.steps.all())
        ongoing = enrolment.status in sequences.ONGOING
        next_step = (
            steps[enrolment.next_step] if ongoing and enrolment.next_step < len(steps) else None
        )
        rows.append(
            {
                "enrolment": enrolment,
                "steps": len(steps),
                "next_step": next_step,
                "next_position": enrolment.next_step + 1,
                "ongoing": ongoing,
            }
        )
    return rows


def contact_panels(*, request, contact) -> list[ContactPanel]:
    """The `leads_contact_panels` hook: the Nurture sequences panel."""
    can_work = may_review_leads(request.user)
    enrolments = _enrolments(contact)
    context = {"rows": enrolment_rows(enrolments), "can_work": can_work}
    if can_work:
        context["marketable"] = audience.marketable(Contact.objects.filter(pk=contact.pk)).exists()
        form = AddForm(contact=contact, prefix="enrol")
        context["add_form"] = form if form.fields["sequence"].queryset.exists() else None
    return [
        ContactPanel(
            id=PANEL_ID,
            heading="Nurture sequences",
            icon="list-ol",
            template_name="mailings/admin/sequences/contact_panel.html",
            context=context,
        )
    ]


def send_label(send: Send) -> str:
    """What an email was, for the timeline: no personal data, only names the team gave."""
    if send.kind == SendKind.BROADCAST and send.broadcast_id:
        return f"Broadcast “{send.broadcast.email.name}”"
    if send.kind == SendKind.SEQUENCE:
        sequence = send.enrolment.sequence.name if send.enrolment_id else "a sequence"
        email = f"“{send.step.email.name}”" if send.step_id else "a step since removed"
        return f"{email}, from the sequence “{sequence}”"
    if send.kind == SendKind.REMINDER and send.webinar_id:
        return f"Webinar reminder ({send.get_reminder_display().lower()}): {send.webinar.title}"
    return send.get_kind_display()


LOGGED = {
    sequences.ENROL: "enrolled",
    sequences.PAUSE: "paused",
    sequences.RESUME: "resumed",
    sequences.REMOVE: "removed",
}


def contact_timeline(*, contact) -> list[TimelineItem]:
    """The `leads_contact_timeline` hook: emails, and enrolments' starts, ends, pauses."""
    items = []
    sends = (
        Send.objects.filter(contact=contact, status__in=SHOWN_SENDS)
        .select_related("broadcast__email", "step__email", "enrolment__sequence", "webinar")
        .order_by("-due_at", "-pk")
    )
    for send in sends:
        send.label = send_label(send)
        items.append(
            TimelineItem(
                send.sent_at or send.due_at,
                "email",
                "System",
                send,
                template="mailings/admin/sequences/timeline_send.html",
            )
        )
    enrolments = {
        e.pk: e for e in Enrolment.objects.filter(contact=contact).select_related("sequence")
    }
    entries = []
    if enrolments:
        entries = list(
            ModelLogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Enrolment),
                object_id__in=[str(pk) for pk in enrolments],
                action__in=list(LOGGED),
            ).select_related("user")
        )
    logged_enrolments = {int(e.object_id) for e in entries if e.action == sequences.ENROL}
    for enrolment in enrolments.values():
        if enrolment.pk not in logged_enrolments:  # by a CTA or a status: no one to name
            items.append(_enrolment_item(enrolment, "enrolled", enrolment.started_at, "System"))
        if enrolment.ended_at and enrolment.exit_reason != "removed by sales":
            items.append(_enrolment_item(enrolment, "ended", enrolment.ended_at, "System"))
    for entry in entries:
        who = entry.user_display_name if entry.user_id else "System"
        enrolment = enrolments[int(entry.object_id)]
        items.append(_enrolment_item(enrolment, LOGGED[entry.action], entry.timestamp, who))
    return items


def _enrolment_item(enrolment, event: str, at, who: str) -> TimelineItem:
    item = TimelineItem(
        at, "enrolment", who, enrolment, template="mailings/admin/sequences/timeline_enrolment.html"
    )
    item.event = event
    return item


# The writes --------------------------------------------------------------------------------


class EnrolmentActionView(ContactMixin, View):
    """POST only, for people who work leads; then back to the contact's panel."""

    permission_required = WORK_LEADS
    http_method_names = ["post"]

    def enrolment(self, enrolment_pk) -> Enrolment:
        return get_object_or_404(
            Enrolment.objects.select_related("sequence"), pk=enrolment_pk, contact=self.contact
        )

    def back(self, anchor=ANCHOR):
        return super().back(anchor)

    def done(self, call, success: str):
        try:
            call()
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, success)
        return self.back()


class EnrolmentAddView(EnrolmentActionView):
    def post(self, request, pk):
        form = AddForm(request.POST, contact=self.contact, prefix="enrol")
        if not form.is_valid():
            messages.error(request, "Choose a sequence this person has not been in.")
            return self.back()
        sequence = form.cleaned_data["sequence"]
        return self.done(
            lambda: sequences.enrolment_add(
                sequence=sequence, contact=self.contact, by=request.user
            ),
            f"Added to “{sequence}”.",
        )


class EnrolmentPauseView(EnrolmentActionView):
    def post(self, request, pk, enrolment_pk):
        enrolment = self.enrolment(enrolment_pk)
        return self.done(
            lambda: sequences.enrolment_pause(enrolment=enrolment, by=request.user),
            f"Paused in “{enrolment.sequence}”: no email goes out until you resume.",
        )


class EnrolmentResumeView(EnrolmentActionView):
    def post(self, request, pk, enrolment_pk):
        enrolment = self.enrolment(enrolment_pk)
        return self.done(
            lambda: sequences.enrolment_resume(enrolment=enrolment, by=request.user),
            f"Resumed in “{enrolment.sequence}”.",
        )


class EnrolmentRemoveView(EnrolmentActionView):
    def post(self, request, pk, enrolment_pk):
        enrolment = self.enrolment(enrolment_pk)
        return self.done(
            lambda: sequences.enrolment_remove(enrolment=enrolment, by=request.user),
            f"Removed from “{enrolment.sequence}”: they get no more of its emails.",
        )


class ContactEnrolmentsViewSet(ViewSet):
    """The URLs of the writes (no menu item: they live on the contact's page)."""

    name = "mailings_enrolments"
    url_prefix = "email/contacts"

    def get_urlpatterns(self):
        return [
            path("<int:pk>/enrolments/", EnrolmentAddView.as_view(), name="add"),
            path(
                "<int:pk>/enrolments/<int:enrolment_pk>/pause/",
                EnrolmentPauseView.as_view(),
                name="pause",
            ),
            path(
                "<int:pk>/enrolments/<int:enrolment_pk>/resume/",
                EnrolmentResumeView.as_view(),
                name="resume",
            ),
            path(
                "<int:pk>/enrolments/<int:enrolment_pk>/remove/",
                EnrolmentRemoveView.as_view(),
                name="remove",
            ),
        ]


contact_enrolments_viewset = ContactEnrolmentsViewSet()
