"""Privacy tools at /admin/leads/privacy/, for sales managers: find everything held about an
email address, download it as JSON, erase it.

The address travels only in POST bodies: never in a URL, a query string, a page title, a log
line or the session (so a redirect cannot carry it either). Each step answers the POST with a
page, and only the erasure, which is done, redirects (Post/Redirect/Get) to a message with
counts. Managers only: erasing deletes contacts, so it needs `leads.delete_contact`.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import privacy, services
from ..exports import json_download
from ..models import normalise_email
from ..permissions import may_erase_personal_data


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Matched in any case, with surrounding spaces ignored, e.g. 'ana@example.com'.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class EraseForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput, max_length=254)
    confirm_email = forms.CharField(
        label="Type the email address again to confirm",
        max_length=254,
        help_text="Erasure cannot be undone.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        email, again = data.get("email"), data.get("confirm_email")
        if email and again is not None and normalise_email(again) != normalise_email(email):
            self.add_error("confirm_email", "This is not the same address.")
        return data


@method_decorator(never_cache, name="dispatch")
class PrivacyView(WagtailAdminTemplateMixin, View):
    """One URL, four steps chosen by the POSTed `action`: find, export, confirm, erase."""

    page_title = "Privacy"
    header_icon = "lock"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "Privacy"}]

    def dispatch(self, request, *args, **kwargs):
        if not may_erase_personal_data(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render("find.html", form=EmailForm())

    def post(self, request):
        action = request.POST.get("action")
        if action == "erase":
            return self.erase(request)
        form = EmailForm(request.POST)
        if not form.is_valid():
            return self.render("find.html", form=form, status=400)
        email = form.cleaned_data["email"]
        if action == "export":
            return self.export(email, request.user)
        data = privacy.find(email)
        if action == "confirm" and not data.is_empty:
            return self.render(
                "confirm_erase.html", data=data, form=EraseForm(initial={"email": email})
            )
        return self.render("results.html", form=form, data=data, email=email)

    def export(self, email: str, user) -> HttpResponse:
        return json_download(services.person_export(email=email, by=user), stem="lead-data")

    def erase(self, request):
        form = EraseForm(request.POST)
        if not form.is_valid():
            if "email" not in form.cleaned_data:  # the hidden field was tampered with
                return redirect("leads_privacy")
            data = privacy.find(form.cleaned_data["email"])
            return self.render("confirm_erase.html", data=data, form=form, status=400)
        counts = services.person_erase(email=form.cleaned_data["email"], by=request.user)
        erased = ", ".join(f"{count} {label}" for label, count in counts.items() if count)
        messages.success(request, f"Erased: {erased or 'nothing was held'}.")
        return redirect("leads_privacy")

    def render(self, template: str, *, status: int = 200, **context) -> TemplateResponse:
        context = self.get_context_data(action_url=reverse("leads_privacy"), **context)
        return TemplateResponse(
            self.request, f"leads/admin/privacy/{template}", context, status=status
        )


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        return may_erase_personal_data(request.user)


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [path("leads/privacy/", PrivacyView.as_view(), name="leads_privacy")]


@hooks.register("register_leads_menu_item")
def register_privacy_menu_item():
    return PrivacyMenuItem(
        "Privacy", reverse_lazy("leads_privacy"), icon_name="lock", name="privacy", order=900
    )
