"""Leads in the Wagtail admin: the CTA library, topic CTAs, blocked domains, submissions.

The sales workspace's screens are in leads/admin/ (imported here, so that they register); how
the app's audit-log actions read is in leads/audit.py.
"""

from django.shortcuts import render
from wagtail import hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import audit, services
from .admin import (  # noqa: F401 - each registers its own views and items of the Leads menu
    analytics,  # analytics, campaigns, dashboard panel
    contact,  # a contact's page and the contacts list
    inbox,  # the inbox at /admin/leads/
    menu,  # the Leads menu
    privacy,  # find, export and erase a person's data
    scoring,  # scoring rules
)
from .models import BlockedEmailDomain, CallToAction, Submission, TopicCTA


class CallToActionViewSet(SnippetViewSet):
    model = CallToAction
    icon = "pick"
    menu_label = "Calls to action"
    list_display = ["title", "kind", "headline", "owner", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["title", "headline"]


class TopicCTAViewSet(SnippetViewSet):
    model = TopicCTA
    icon = "tag"
    menu_label = "Topic CTAs"
    list_display = ["tag", "cta"]


class BlockedEmailDomainViewSet(SnippetViewSet):
    model = BlockedEmailDomain
    icon = "warning"
    menu_label = "Blocked email domains"
    list_display = ["domain", "note"]
    search_fields = ["domain"]

    def register_chooser_viewset(self):
        # No chooser: nothing links to a blocked domain, and Wagtail's choosers check no rights
        # (any admin user, editors included, could list the domains through one).
        pass


class CTAGroup(SnippetViewSetGroup):
    items = (CallToActionViewSet, TopicCTAViewSet, BlockedEmailDomainViewSet)
    menu_icon = "pick"
    menu_label = "Calls to action"
    menu_name = "calls-to-action"
    menu_order = 250


register_snippet(CTAGroup)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Submissions are immutable records: the admin's generic add, edit and delete views are
    closed to everyone. Reviews (status changes) and erasure go through leads/services/."""

    def user_has_permission(self, user, action):
        return action not in {"add", "change", "delete"} and super().user_has_permission(
            user, action
        )


register_permission_policy(Submission, ReadOnlyPolicy(Submission), exact_class=True)


hooks.register("register_log_actions", audit.register_log_actions)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def keep_consent_text(request, instance):
    """Every consent wording a CTA ever shows is kept, for the submissions that saw it."""
    if isinstance(instance, CallToAction):
        services.consent_text_record(instance)


@hooks.register("before_serve_document")
def keep_gated_documents_gated(document, request):
    """A document offered by a download CTA is served only through a submission's signed
    link, not by its public URL; signed-in admin users with document rights can still see it."""
    if not CallToAction.objects.filter(document=document).exists():
        return None
    user = request.user
    if user.is_authenticated and user.has_perm("wagtaildocs.change_document"):
        return None
    return render(request, "404.html", status=404)
