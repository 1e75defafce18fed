"""The contact page's forms: move a submission on, assign it, write a note; and the card
that shows a submission with the forms the user may use on it.

The statuses offered are the ones the workflow allows next (services.allowed_transitions).
"""

from dataclasses import dataclass

from django import forms

from ... import services
from ...answers import IDENTITY_FIELDS, submission_answers
from ...audit import status_label
from ...models import Status, Submission

# What each move is called on its button: a verb, as sales say it.
ACTION_LABELS = {
    Status.NEW: "Release from quarantine",
    Status.IN_REVIEW: "Start review",
    Status.QUALIFIED: "Qualify",
    Status.DISQUALIFIED: "Disqualify",
    Status.HANDED_OFF: "Hand off",
    Status.WON: "Mark won",
    Status.LOST: "Mark lost",
    Status.SPAM: "Mark spam",
}
# The move that takes a lead forward is the primary button, the first of these allowed;
# the others (a step back, a dead end, spam) are secondary.
FORWARD = (Status.QUALIFIED, Status.HANDED_OFF, Status.WON, Status.IN_REVIEW, Status.NEW)


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
        """(field name, value, label, primary) of each submit button: the allowed next
        statuses, the forward move first and primary."""
        name = self["to"].html_name
        allowed = [value for value, _ in self.fields["to"].choices]
        primary = next((value for value in FORWARD if value in allowed), None)
        allowed.sort(key=lambda value: value != primary)
        return [
            (name, value, ACTION_LABELS.get(value, status_label(value)), value == primary)
            for value in allowed
        ]


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


@dataclass
class SubmissionCard:
    """One submission with the review forms the current user may use on it."""

    submission: Submission
    status_form: StatusForm | None = None
    assign_form: AssignForm | None = None

    @property
    def answers(self) -> list[tuple[str, str]]:
        """What they asked for, under the labels of the form they answered and in its order;
        who they are is on the page."""
        return submission_answers(self.submission, skip=IDENTITY_FIELDS)
