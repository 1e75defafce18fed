"""The inbox's bulk actions: one action on the ticked rows, then back to the same list.

Ticked rows can be qualified, disqualified, marked as spam, released or assigned in one go. Ids
travel in the POST body only, and every change goes through leads/services/, which decides
what the workflow allows and logs each change.
"""

from collections import Counter

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request

from ... import services
from ...ids import IdModelMultipleChoiceField
from ...models import Status, Submission
from ...permissions import lead_workers, may_review_leads
from ...staff import user_label


def plural(count: int, word: str = "lead") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
        if not may_review_leads(request.user):
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
