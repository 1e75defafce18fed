"""Nurture sequences: emails spaced by delays, started by a submission, a status change or
sales; and the people enrolled in them."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from leads.models import CallToAction, Contact, Status, Submission

from .emails import Email


class SequenceTrigger(models.TextChoices):
    CTA = "cta", "A submission to a CTA (form, landing page)"
    STATUS = "status", "A lead's status changes"
    MANUAL = "manual", "Sales add people by hand"


class Sequence(ClusterableModel):
    """A nurture sequence: its steps go out one after another, each after its delay, until the
    person finishes it, unsubscribes, or is qualified or handed off (mailings/sequences.py)."""

    name = models.CharField(
        "name", max_length=120, help_text="E.g. 'After the eBook: three tips in a week'."
    )
    description = models.CharField("description", max_length=240, blank=True)
    active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive: nobody new is enrolled and no step goes out until it is on again.",
    )
    trigger = models.CharField(
        "starts on", max_length=16, choices=SequenceTrigger.choices, default=SequenceTrigger.CTA
    )
    trigger_cta = models.ForeignKey(
        CallToAction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sequences",
        verbose_name="CTA",
        help_text="A submission to this CTA (anywhere: article, landing page) enrols the "
        "person, if they gave marketing consent.",
    )
    trigger_status = models.CharField(
        "status",
        max_length=16,
        blank=True,
        choices=Status.choices,
        help_text="A lead moved to this status enrols its person, e.g. Disqualified "
        "(not now) → nurture.",
    )
    enrols_from = models.DateTimeField(
        "enrols submissions from",
        auto_now_add=True,
        help_text="Submissions before this moment (the sequence's creation) never enrol.",
    )
    scanned_until = models.DateTimeField(
        "submissions read until",
        null=True,
        blank=True,
        editable=False,
        help_text="The workers' bookmark: submissions up to here have been looked at.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("trigger"), FieldPanel("trigger_cta"), FieldPanel("trigger_status")],
            heading="Who is enrolled",
        ),
        InlinePanel("steps", heading="Steps", label="Step", min_num=1),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = "nurture sequence"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(trigger=SequenceTrigger.CTA) | Q(trigger_cta__isnull=False),
                name="sequence_cta_trigger_has_cta",
                violation_error_message="Choose the CTA that starts this sequence.",
            ),
            models.CheckConstraint(
                condition=~Q(trigger=SequenceTrigger.STATUS) | ~Q(trigger_status=""),
                name="sequence_status_trigger_has_status",
                violation_error_message="Choose the status that starts this sequence.",
            ),
        ]

    def __str__(self):
        return self.name


class DelayUnit(models.TextChoices):
    HOURS = "hours", "hours"
    DAYS = "days", "days"


class SequenceStep(Orderable):
    """One email of a sequence, sent its delay after the previous step (or the enrolment),
    moved into the sending window if it has one."""

    sequence = ParentalKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    email = models.ForeignKey(
        Email, on_delete=models.PROTECT, related_name="sequence_steps", verbose_name="email"
    )
    delay = models.PositiveIntegerField(
        "wait",
        default=1,
        validators=[MaxValueValidator(365 * 24)],
        help_text="After the previous step (the first: after enrolment), e.g. 2 days; 0: at once.",
    )
    delay_unit = models.CharField(
        "unit", max_length=8, choices=DelayUnit.choices, default=DelayUnit.DAYS
    )
    window_start = models.TimeField(
        "not before",
        null=True,
        blank=True,
        help_text="Optional sending window in the site's time zone, e.g. 09:00 to 17:00.",
    )
    window_end = models.TimeField("not after", null=True, blank=True)

    panels = [
        FieldPanel("email"),
        FieldRowPanel([FieldPanel("delay"), FieldPanel("delay_unit")]),
        FieldRowPanel([FieldPanel("window_start"), FieldPanel("window_end")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "sequence step"
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True, window_end__isnull=True)
                | Q(window_start__isnull=False, window_end__isnull=False),
                name="sequence_step_window_both_ends",
                violation_error_message="Give the sending window a start and an end, or neither.",
            ),
        ]

    def __str__(self):
        return f"Step {self.sort_order + 1 if self.sort_order is not None else ''}".strip()

    def wait(self) -> datetime.timedelta:
        return datetime.timedelta(**{self.delay_unit: self.delay})


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    EXITED = "exited", "Left"


class Enrolment(models.Model):
    """One person in one sequence: which step comes next, and when."""

    # PROTECT: the emails a sequence sent stay on people's timelines and their unsubscribe
    # links keep working; a sequence someone was in is switched off, never deleted.
    sequence = models.ForeignKey(
        Sequence, on_delete=models.PROTECT, related_name="enrolments", verbose_name="sequence"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="enrolments", verbose_name="contact"
    )
    status = models.CharField(
        "status", max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    exit_reason = models.CharField(
        "why it ended",
        max_length=120,
        blank=True,
        help_text="E.g. 'unsubscribed', 'qualified', 'removed by sales'.",
    )
    next_step = models.PositiveSmallIntegerField(
        "next step", default=0, help_text="Position of the next step to send, from 0."
    )
    next_due_at = models.DateTimeField("next step due", null=True, blank=True)
    submission = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="started by submission",
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="added by",
    )
    started_at = models.DateTimeField("enrolled", auto_now_add=True)
    ended_at = models.DateTimeField("ended", null=True, blank=True)

    class Meta:
        verbose_name = "enrolment"
        ordering = ["-started_at", "-pk"]
        constraints = [
            # Once per person and sequence, ever: finishing it or leaving it is final.
            models.UniqueConstraint(fields=["sequence", "contact"], name="enrolment_once"),
        ]
        indexes = [models.Index(fields=["status", "next_due_at"])]

    def __str__(self):
        return f"Enrolment #{self.pk}"
