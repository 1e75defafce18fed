"""Leads in the Wagtail admin: the CTA library, topic CTAs, blocked domains, submissions.

The sales workspace's screens are in leads/admin/ (imported here, so that they register); how
the app's audit-log actions read is in leads/audit.py.
"""

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import audit, services
from .admin import (  # noqa: F401 - each registers its own views and items of the Leads menu
    analytics,  # analytics, campaigns, dashboard panel
    contact,  # a contact's page and the contacts list
    inbox,  # the inbox at /admin/leads/
    menu,  # the Leads menu
    privacy,  # find, export and erase a person's data
    properties,  # contact properties
    scoring,  # scoring rules
)
from .blocks import CTAChooser, cta_preview
from .models import BlockedEmailDomain, CallToAction, Submission, TopicCTA
from .models.cta import kind_only_fields


def pages_using(ctas) -> dict[int, list[str]]:
    """The titles of the pages whose body or fields reference each CTA, by CTA id: two
    queries for any number of CTAs (Wagtail's reference index, then the pages)."""
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(CallToAction),
        to_object_id__in=[str(cta.pk) for cta in ctas],
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("to_object_id", "object_id")
    pages_by_cta = {}
    for cta_id, page_id in references:
        pages_by_cta.setdefault(int(cta_id), set()).add(int(page_id))
    page_ids = set().union(*pages_by_cta.values())
    titles = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "title"))
    return {
        cta_id: sorted(titles[pk] for pk in page_ids if pk in titles)
        for cta_id, page_ids in pages_by_cta.items()
    }


def used_on(cta) -> str:
    titles = getattr(cta, "used_on_titles", [])
    if not titles:
        return "Not used yet"
    count = f"{len(titles)} page" if len(titles) == 1 else f"{len(titles)} pages"
    return f"{count}: {', '.join(titles)}"


class CTAChooseViewMixin:
    """The CTA chooser's columns: what an editor needs to pick the right one."""

    @property
    def columns(self):
        return [
            self.title_column,
            Column("kind", label="Kind", accessor="get_kind_display"),
            Column("headline", label="Headline"),
            Column("used_on", label="Used on", accessor=used_on),
        ]

    def get_results_page(self, request):
        page = super().get_results_page(request)
        used = pages_using(page.object_list)
        for cta in page.object_list:
            cta.used_on_titles = used.get(cta.pk, [])
        return page


class CTAChooseView(CTAChooseViewMixin, ChooseView):
    pass


class CTAChooseResultsView(CTAChooseViewMixin, ChooseResultsView):
    pass


class CTAChosenView(SnippetChosenView):
    """The chooser's answer carries what the chosen block's miniature shows (leads/blocks.py),
    so the block shows the new choice without asking the server again."""

    def get_object(self, pk):
        return CallToAction.objects.with_document().get(pk=pk)

    def get_display_title(self, instance):
        return instance.title

    def get_chosen_response_data(self, item):
        return super().get_chosen_response_data(item) | {"preview": cta_preview(item)}


class CTAChooserViewSet(SnippetChooserViewSet):
    # Every admin form field that points at a CTA (an article's closing CTA, the home page's
    # featured one, a topic's) shows the chosen CTA as the CTA block does: with its miniature.
    base_widget_class = CTAChooser
    choose_view_class = CTAChooseView
    choose_results_view_class = CTAChooseResultsView
    chosen_view_class = CTAChosenView


class CallToActionViewSet(SnippetViewSet):
    model = CallToAction
    chooser_viewset_class = CTAChooserViewSet
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


@hooks.register("insert_editor_js")
def cta_kind_fields_js():
    """The CTA form shows only the fields of the chosen kind (static/leads/admin/cta_kind.js)."""
    return format_html(
        '{}<script src="{}" defer></script>',
        json_script(kind_only_fields(), "cta-kind-fields"),
        static("leads/admin/cta_kind.js"),
    )
