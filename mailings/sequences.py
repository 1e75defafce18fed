"""Enrolments: every write to who is in a nurture sequence, apart from the workers' own
(mailings/sending/schedule.py enrols a CTA's new submissions and moves each enrolment on).

- `enrolment_add`: sales put someone in a sequence by hand;
- `enrolment_pause`, `enrolment_resume`, `enrolment_remove`: sales on a contact's page;
- `enrolments_exit`: someone leaves every sequence at once (unsubscribed, qualified, handed
  off); the preference centre calls it when a person unsubscribes;
- `lead_status_changed`: the lead workflow's hook (leads/extension_points.py): a move to a
  sequence's trigger status enrols the person, qualified or handed off lets them go.

Each ends the enrolment's unsent emails at once (cancelled), and each is in Wagtail's audit
log on the enrolment. Raises ValidationError with words for the person who asked.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from leads.models import Contact, Status

from . import audience
from .models import Enrolment, EnrolmentStatus, Send, SendStatus, Sequence, SequenceTrigger
from .sending import schedule

# The audit log's actions (their wording: mailings/wagtail_hooks.py).
ENROL = "mailings.enrol"
PAUSE = "mailings.enrolment_pause"
RESUME = "mailings.enrolment_resume"
REMOVE = "mailings.enrolment_remove"

# Statuses that end every sequence a person is in, and the reason the enrolment keeps.
EXIT_ON_STATUS = {Status.QUALIFIED: "qualified", Status.HANDED_OFF: "handed off"}
ONGOING = (EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED)


def sequences_for_sales():
    """The sequences sales may add someone to: every active one (manual ones first)."""
    return Sequence.objects.filter(active=True).order_by("-trigger", "name")


def _unsent_cancel(enrolments) -> int:
    """Cancel the queued (or to-be-retried) emails of these enrolments."""
    return Send.objects.filter(
        enrolment__in=enrolments, status__in=[SendStatus.QUEUED, SendStatus.FAILED]
    ).update(status=SendStatus.CANCELLED, skip_reason="left the sequence")


@transaction.atomic
def enrolment_add(*, sequence: Sequence, contact: Contact, by) -> Enrolment:
    """Put a person in a sequence by hand; its first step goes after its wait."""
    if not sequence.active:
        raise ValidationError(f"“{sequence}” is switched off: switch it on first.")
    if Enrolment.objects.filter(sequence=sequence, contact=contact).exists():
        raise ValidationError(
            f"This person has been in “{sequence}” already: a sequence is sent once per person."
        )
    contacts = Contact.objects.filter(pk=contact.pk)
    if not audience.marketable(contacts).exists():
        raise ValidationError(
            "This person may not get marketing email (no marketing consent, unsubscribed or "
            "suppressed), so they cannot be added to a sequence."
        )
    if not schedule.enrol(sequence=sequence, contacts=contacts, now=timezone.now(), by=by):
        raise ValidationError(f"“{sequence}” has no steps yet: add one first.")
    enrolment = Enrolment.objects.get(sequence=sequence, contact=contact)
    log(enrolment, ENROL, user=by, data={"sequence": sequence.pk})
    return enrolment


@transaction.atomic
def enrolment_pause(*, enrolment: Enrolment, by) -> Enrolment:
    """Hold an active enrolment: no step goes out until it is resumed. A step queued but not
    yet taken by a worker goes back to being the next one, due at once on resuming."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError("Only an active enrolment can be paused.")
    unsent = Send.objects.filter(enrolment=enrolment, status=SendStatus.QUEUED)
    queued_steps = set(unsent.values_list("step_id", flat=True))
    if queued_steps:
        positions = [
            index
            for index, step in enumerate(enrolment.sequence.steps.all())
            if step.pk in queued_steps
        ]
        unsent.delete()  # never sent: no history lost; the step is queued again on resuming
        if positions:
            enrolment.next_step = min(positions)
            enrolment.next_due_at = timezone.now()
    enrolment.status = EnrolmentStatus.PAUSED
    enrolment.save(update_fields=["status", "next_step", "next_due_at"])
    log(enrolment, PAUSE, user=by)
    return enrolment


@transaction.atomic
def enrolment_resume(*, enrolment: Enrolment, by) -> Enrolment:
    """Carry on a paused enrolment: its next step goes when due (at once if overdue, in its
    sending window)."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.PAUSED:
        raise ValidationError("Only a paused enrolment can be resumed.")
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.save(update_fields=["status"])
    log(enrolment, RESUME, user=by)
    return enrolment


@transaction.atomic
def enrolment_remove(*, enrolment: Enrolment, by) -> Enrolment:
    """Take someone out of a sequence for good (they are never enrolled in it again)."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in ONGOING:
        raise ValidationError("This enrolment has ended already.")
    _end(enrolment, "removed by sales")
    log(enrolment, REMOVE, user=by)
    return enrolment


def _end(enrolment: Enrolment, reason: str) -> None:
    enrolment.status = EnrolmentStatus.EXITED
    enrolment.exit_reason = reason
    enrolment.ended_at = timezone.now()
    enrolment.next_due_at = None
    enrolment.save(update_fields=["status", "exit_reason", "ended_at", "next_due_at"])
    _unsent_cancel([enrolment])


@transaction.atomic
def enrolments_exit(*, contact: Contact, reason: str) -> int:
    """The person leaves every sequence they are in (active or paused), at once: their unsent
    steps are cancelled. `reason` is kept on each enrolment, e.g. "unsubscribed". Returns how
    many they left."""
    ongoing = list(
        Enrolment.objects.select_for_update().filter(contact=contact, status__in=ONGOING)
    )
    for enrolment in ongoing:
        _end(enrolment, reason[:120])
    # A last step queued just as the sequence completed does not go out either.
    _unsent_cancel(Enrolment.objects.filter(contact=contact))
    return len(ongoing)


def lead_status_changed(*, submission, old: str, new: str, by) -> None:
    """The lead workflow's hook: qualified or handed off leaves every sequence; a move to an
    active sequence's trigger status enrols the person (if they may get marketing email)."""
    if submission.contact_id is None:
        return
    contact = Contact.objects.get(pk=submission.contact_id)
    if new in EXIT_ON_STATUS:
        enrolments_exit(contact=contact, reason=EXIT_ON_STATUS[new])
    triggered = Sequence.objects.filter(
        active=True, trigger=SequenceTrigger.STATUS, trigger_status=new
    ).prefetch_related("steps")
    now = timezone.now()
    for sequence in triggered:
        schedule.enrol(
            sequence=sequence,
            contacts=Contact.objects.filter(pk=contact.pk),
            now=now,
            submission_of={contact.pk: submission.pk},
        )
