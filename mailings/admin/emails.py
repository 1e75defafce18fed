"""Emails in the admin: the StreamField editor, the live preview (phone and desktop width, and
the plain-text part), and "Send a test to me"."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views import View
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from .. import services
from ..models import Email


class EmailEditView(EditView):
    """The editor, with a "Send a test to me" bar above the form (its own small form: the
    editor's form cannot hold another)."""

    template_name = "mailings/admin/emails/edit.html"
    test_send_url_name = "wagtailsnippets_mailings_email:test_send"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["test_send_url"] = reverse(self.test_send_url_name, args=[self.object.pk])
        context["test_address"] = self.request.user.email
        return context


class TestSendView(PermissionCheckedMixin, View):
    """POST: the saved email to the signed-in user's own address, then back to the editor."""

    http_method_names = ["post"]
    model = Email
    permission_required = "change"
    edit_url_name = None

    def post(self, request, pk):
        email = get_object_or_404(Email, pk=pk)
        try:
            address = services.email_test_send(email=email, user=request.user)
        except services.TestSendError as error:
            messages.error(request, f"The test was not sent. {error}")
        else:
            messages.success(
                request,
                f"A test of “{email.subject}” went to {address}. Its unsubscribe and preference "
                "links are placeholders.",
            )
        return redirect(self.edit_url_name, pk)


class EmailViewSet(SnippetViewSet):
    model = Email
    icon = "mail"
    menu_label = "Emails"
    menu_order = 100
    menu_item_is_registered = True  # in the Email menu, not under Snippets
    list_display = ["name", "subject", "updated_at"]
    search_fields = ["name", "subject"]
    edit_view_class = EmailEditView
    edit_template_name = "mailings/admin/emails/edit.html"
    copy_view_enabled = True

    def get_admin_base_path(self):
        return "email/emails"

    @property
    def test_send_view(self):
        return TestSendView.as_view(edit_url_name=self.get_url_name("edit"))

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("test/<int:pk>/", self.test_send_view, name="test_send"),
        ]
