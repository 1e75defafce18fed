"""The contact pages' URLs under /admin/leads/contacts/ and their item in the Leads menu."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from ...permissions import may_view_contacts
from .attachments import AttachmentDownloadView
from .listing import ContactIndexView
from .views import (
    ContactView,
    DeliveryRetryView,
    NoteAddView,
    NoteEditView,
    SubmissionAssignView,
    SubmissionStatusView,
)


class ContactViewSet(ViewSet):
    name = "leads_contact"
    url_prefix = "leads/contacts"
    icon = "user"

    def get_urlpatterns(self):
        index = self.construct_view(
            ContactIndexView,
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
        )
        results = self.construct_view(
            ContactIndexView,
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            results_only=True,
        )
        return [
            path("", index, name="index"),
            path("results/", results, name="index_results"),
            path("<int:pk>/", ContactView.as_view(), name="detail"),
            path(
                "<int:pk>/submissions/<int:submission_pk>/status/",
                SubmissionStatusView.as_view(),
                name="status",
            ),
            path(
                "<int:pk>/submissions/<int:submission_pk>/assign/",
                SubmissionAssignView.as_view(),
                name="assign",
            ),
            path(
                "<int:pk>/attachments/<int:attachment_pk>/",
                AttachmentDownloadView.as_view(),
                name="attachment",
            ),
            path("<int:pk>/notes/", NoteAddView.as_view(), name="note_add"),
            path("<int:pk>/notes/<int:note_pk>/", NoteEditView.as_view(), name="note_edit"),
            path(
                "<int:pk>/deliveries/<int:delivery_pk>/retry/",
                DeliveryRetryView.as_view(),
                name="delivery_retry",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_contact_viewset():
    return ContactViewSet()


class ContactsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_contacts(request.user)


@hooks.register("register_leads_menu_item")
def register_contacts_menu_item():
    return ContactsMenuItem("Contacts", reverse("leads_contact:index"), icon_name="user", order=200)
