"""Nurture sequences at /admin/email/sequences/: the editor (steps inline: email, wait, optional
sending window; who is enrolled) and each sequence's report (its inspect view): per step, what
went out and what followed, and how many people are in it by status.

No personal data here: the report counts; who is enrolled is on each contact's page, for
sales (mailings/admin/contact.py).
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic import DeleteView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from leads.models import Status

from .. import reports
from ..models import Enrolment, EnrolmentStatus, Send, Sequence, SequenceTrigger

# People who are qualified or handed off leave every sequence (mailings/sequences.py), and
# spam and "new" are no one's move: a sequence cannot start on these.
NOT_TRIGGER_STATUSES = (Status.NEW, Status.QUALIFIED, Status.HANDED_OFF, Status.SPAM)


def trigger_label(sequence: Sequence) -> str:
    """How people get in, in a few words: "CTA: eBook", "Status: Disqualified", "By hand"."""
    if sequence.trigger == SequenceTrigger.CTA:
        return f"CTA: {sequence.trigger_cta.title}" if sequence.trigger_cta else "CTA"
    if sequence.trigger == SequenceTrigger.STATUS:
        return f"Status: {sequence.get_trigger_status_display()}"
    return "By hand (sales)"


class SequenceForm(WagtailAdminModelForm):
    """The sequence editor's rules, each error on the field to fix."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "trigger_status" in self.fields:
            self.fields["trigger_status"].choices = [
                (value, label)
                for value, label in self.fields["trigger_status"].choices
                if value not in NOT_TRIGGER_STATUSES
            ]
            self.fields["trigger_status"].help_text = (
                "When a lead is moved to this status, its person is enrolled, e.g. "
                "Disqualified (not now) → nurture. Qualified and handed-off people leave "
                "every sequence instead."
            )

        steps = self.formsets.get("steps")
        for form in [*(steps.forms if steps else []), *([steps.empty_form] if steps else [])]:
            if "email" in form.fields:
                form.fields["email"].error_messages["required"] = (
                    "Choose the email this step sends."
                )

    def clean(self):
        cleaned = super().clean()
        trigger = cleaned.get("trigger")
        if trigger == SequenceTrigger.CTA:
            if not cleaned.get("trigger_cta"):
                self.add_error(
                    "trigger_cta", "Choose the CTA whose submissions start this sequence."
                )
        else:
            cleaned["trigger_cta"] = None
        if trigger == SequenceTrigger.STATUS:
            if not cleaned.get("trigger_status"):
                self.add_error("trigger_status", "Choose the status that starts this sequence.")
        else:
            cleaned["trigger_status"] = ""
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        steps = self.formsets.get("steps")
        if steps is None:
            return valid
        for form in steps.forms:
            if not hasattr(form, "cleaned_data") or form in steps.deleted_forms:
                continue
            start, end = form.cleaned_data.get("window_start"), form.cleaned_data.get("window_end")
            if start is not None and end is not None and start >= end:
                form.add_error(
                    "window_end",
                    "End the sending window after it starts, on the same day (e.g. 09:00 to "
                    "17:00).",
                )
                valid = False
        return valid


STEP_PANELS = [
    FieldPanel("email", heading="Email"),
    FieldRowPanel([FieldPanel("delay"), FieldPanel("delay_unit")]),
    FieldRowPanel(
        [
            FieldPanel(
                "window_start",
                help_text="Optional sending window in the site's time zone, e.g. 09:00 to "
                "17:00: a step due outside it goes at the window's next start.",
            ),
            FieldPanel("window_end"),
        ]
    ),
]


def cells(figures: dict) -> list[tuple[str, int, str]]:
    """A report's figures as table cells: (label, count, share of those sent)."""
    return [
        (label, figures[key], "" if key == "sent" else reports.rate(figures[key], figures["sent"]))
        for key, label in reports.FIGURES
    ]


class SequenceReportView(InspectView):
    """A sequence's page: its steps with their figures, and who is in it by status."""

    template_name = "mailings/admin/sequences/report.html"
    page_title = "Report"

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            days = int(self.request.GET.get("days") or reports.DEFAULT_DAYS)
        except ValueError:
            days = reports.DEFAULT_DAYS
        days = max(1, min(days, reports.MAX_DAYS))
        sequence = self.object
        steps = list(sequence.steps.select_related("email"))
        rows = []
        for position, step in enumerate(steps, start=1):
            figures = reports.report(Send.objects.filter(step=step), days)
            rows.append(
                {"position": position, "step": step, "figures": figures, "cells": cells(figures)}
            )
        counts = dict(
            Enrolment.objects.filter(sequence=sequence)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        context.update(
            sequence=sequence,
            trigger=trigger_label(sequence),
            rows=rows,
            figures=reports.FIGURES,
            days=days,
            total=cells(reports.report(Send.objects.filter(enrolment__sequence=sequence), days)),
            enrolments=[(label, counts.get(value, 0)) for value, label in EnrolmentStatus.choices],
            enrolled=sum(counts.values()),
        )
        return context


class SequenceIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for button in buttons:
            if button.url == self.get_inspect_url(instance):
                button.label = "Report"
                button.icon_name = "table"
        return buttons

    def get_base_queryset(self):
        ongoing = Q(enrolments__status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED])
        return (
            super()
            .get_base_queryset()
            .select_related("trigger_cta")
            .annotate(
                step_count=Count("steps", distinct=True),
                ongoing_count=Count("enrolments", filter=ongoing, distinct=True),
            )
        )


class SequenceDeleteView(DeleteView):
    """Only a sequence nobody was ever in can be deleted: the emails it sent stay on people's
    timelines and in their privacy exports, and their unsubscribe links keep working
    (Enrolment.sequence is PROTECT). Switching it off stops it."""

    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        sequence = get_object_or_404(Sequence, pk=kwargs["pk"])
        if sequence.enrolments.exists():
            messages.warning(
                request,
                f"“{sequence}” has had people in it, and the emails it sent stay on their "
                "records, so it cannot be deleted. Switch it off (untick Active) to stop it.",
            )
            return redirect(self.inspect_url_name, sequence.pk)
        return super().dispatch(request, *args, **kwargs)


class SequenceViewSet(ModelViewSet):
    """Nurture sequences. Rights are the model's own (mailings.add_sequence, ...)."""

    model = Sequence
    icon = "list-ol"
    menu_label = "Sequences"
    url_prefix = "email/sequences"
    name = "mailings_sequences"
    add_to_reference_index = False
    inspect_view_enabled = True
    inspect_view_class = SequenceReportView
    index_view_class = SequenceIndexView
    delete_view_class = SequenceDeleteView
    create_template_name = "mailings/admin/sequences/form.html"
    edit_template_name = "mailings/admin/sequences/form.html"
    search_fields = ["name", "description"]
    list_filter = ["active", "trigger"]
    list_display = [
        "name",
        Column("starts_on", label="Starts on", accessor=trigger_label),
        Column("steps", label="Steps", accessor="step_count"),
        Column("in_it", label="In it now", accessor="ongoing_count"),
        StatusTagColumn(
            "active",
            label="Status",
            accessor=lambda sequence: "Active" if sequence.active else "Off",
            primary=lambda sequence: sequence.active,
        ),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldPanel("trigger"),
                    FieldPanel("trigger_cta"),
                    FieldPanel("trigger_status"),
                ],
                heading="Who is enrolled",
                help_text="Only people who gave marketing consent and have not unsubscribed "
                "are enrolled, once per sequence. They leave it when they unsubscribe or are "
                "qualified or handed off.",
            ),
            InlinePanel("steps", heading="Steps", label="Step", min_num=1, panels=STEP_PANELS),
            FieldPanel("active"),
        ],
        base_form_class=SequenceForm,
    )


def report_url(sequence: Sequence) -> str:
    return reverse(f"{SequenceViewSet.name}:inspect", args=[sequence.pk])


sequence_viewset = SequenceViewSet()

VIEWSETS = (sequence_viewset,)
