"""Leads in the Wagtail admin: the CTA library, topic CTAs, blocked domains, submissions."""

from django.shortcuts import render
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import services
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


class CTAGroup(SnippetViewSetGroup):
    items = (CallToActionViewSet, TopicCTAViewSet, BlockedEmailDomainViewSet)
    menu_icon = "pick"
    menu_label = "Calls to action"
    menu_name = "calls-to-action"
    menu_order = 250


register_snippet(CTAGroup)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Submissions are immutable records: the admin's generic add, edit and delete views are
    closed to everyone. Reviews (status changes) and erasure go through leads/services.py."""

    def user_has_permission(self, user, action):
        return action not in {"add", "change", "delete"} and super().user_has_permission(
            user, action
        )


register_permission_policy(Submission, ReadOnlyPolicy(Submission), exact_class=True)


class SubmissionViewSet(ModelViewSet):
    """Stored submissions, read-only: page, answers, consent and attribution of each."""

    model = Submission
    icon = "form"
    menu_label = "Submissions"
    menu_order = 260
    add_to_admin_menu = True
    url_prefix = "leads/submissions"
    name = "leads_submission"
    inspect_view_enabled = True
    # Submissions are records, not content: tracking them would enqueue a reference-index task
    # with every lead (a queue outage would then cost the lead) and list each one as a "usage"
    # of its CTA and page.
    add_to_reference_index = False
    list_display = [
        "__str__",
        "cta_kind",
        "cta_title",
        "page_title",
        Column("status", label="Status", accessor="get_status_display"),
        "utm_source",
        "received_at",
    ]
    list_filter = ["status", "cta_kind", "utm_source", "received_at"]
    # Never offered (see ReadOnlyPolicy), but a ModelViewSet needs a form to build its URLs.
    form_fields = ["status"]
    inspect_view_fields = [
        "cta_kind",
        "cta_title",
        "page",
        "page_title",
        "status",
        "spam_reasons",
        "email",
        "answers",
        "consent_given",
        "consent_text",
        "consent_at",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "referrer",
        "landing_page",
        "first_touch",
        "received_at",
        "follow_up",
        "downloaded",
    ]


@hooks.register("register_admin_viewset")
def register_submission_viewset():
    return SubmissionViewSet()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    def describe_status_change(data):
        return format_html(
            "Status changed from {} to {}", data.get("from", "?"), data.get("to", "?")
        )

    actions.register_action("leads.status_change", "Change status", describe_status_change)


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
