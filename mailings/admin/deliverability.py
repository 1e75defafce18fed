"""Suppressed addresses at /admin/suppressions/: the addresses no email goes to any more (hard
bounces and spam complaints reported by the provider's webhooks, mailings/tracking.py; and
those staff add by hand). Listing, adding and removing them.

The list holds people's addresses, so only those who may work leads (Sales, Sales managers)
see it; editors get no access at all (the menu item is hidden, the URLs answer 403). Adding
and removing go through leads' services, like the webhooks.
"""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, DeleteView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from leads import services
from leads.models import Suppression, SuppressionReason, email_digest, normalise_email
from leads.permissions import may_review_leads


class LeadWorkersOnly(ModelPermissionPolicy):
    """Only people who may work leads list, add and remove suppressed addresses; nobody edits
    one (remove it and add it again)."""

    def user_has_permission(self, user, action):
        return action in {"view", "add", "delete"} and user.is_active and may_review_leads(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Suppression, LeadWorkersOnly(Suppression), exact_class=True)


class SuppressionForm(WagtailAdminModelForm):
    email = forms.EmailField(
        label="Email address",
        help_text="No email goes to it any more: broadcasts, sequences, reminders and the "
        "follow-up to a form. E.g. 'ana@example.com'.",
    )

    class Meta:
        model = Suppression
        fields = ["email"]

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if Suppression.objects.filter(digest=email_digest(email)).exists():
            raise ValidationError("This address is already suppressed.")
        return email


class SuppressionCreateView(CreateView):
    def save_instance(self):
        suppression = services.suppression_add(
            email=self.form.cleaned_data["email"], reason=SuppressionReason.MANUAL, source="staff"
        )
        log(instance=suppression, action="wagtail.create", user=self.request.user)
        return suppression


class SuppressionDeleteView(DeleteView):
    def delete_action(self):
        log(instance=self.object, action="wagtail.delete", user=self.request.user)
        services.suppression_remove(suppression=self.object)


class SuppressionViewSet(ModelViewSet):
    model = Suppression
    add_view_class = SuppressionCreateView
    delete_view_class = SuppressionDeleteView
    copy_view_enabled = False
    icon = "warning"
    menu_label = "Suppressed addresses"
    name = "suppressions"
    list_display = ["email", "reason", "source", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
    add_to_admin_menu = False

    def get_form_class(self, for_update=False):
        return SuppressionForm


VIEWSETS = (SuppressionViewSet(),)
