"""Wagtail hooks of the blog: internal links in rich text resolved with one query, and the
admin for editors (the Pages menu opening at Home, the team's recent edits on the dashboard,
the editor guide only for people who edit pages), and the topic descriptions editors write for
the topic archives; the thank-you URL of landing pages (`leads_thanks_url`)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import PageExplorerMenuItem as PageExplorerMenuItemComponent
from wagtail.admin.wagtail_hooks import ExplorerMenuItem
from wagtail.models import Page, PageLogEntry, Site
from wagtail.permissions import policy_registry
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import LandingPage, TopicDescription


class PageLinkHandlerOneQuery(PageLinkHandler):
    """Internal links in rich text, resolved with one light query for all of a body's links.

    Wagtail's handler loads every linked page whole, then again as its specific type, to ask
    it for its URL. No LeadSite page type changes how its URL is built, so the plain page with
    the few fields a URL needs is enough, and a long article with many links renders with one
    query for them all.
    """

    URL_FIELDS = ("url_path", "path", "depth", "live", "locale_id", "content_type_id")

    @classmethod
    def get_many(cls, attrs_list):
        ids = [attrs.get("id") for attrs in attrs_list]
        pages = Page.objects.filter(id__in=ids).only(*cls.URL_FIELDS)
        by_id = {str(page.pk): page for page in pages}
        return [by_id.get(str(id_)) for id_ in ids]


# Registered after Wagtail's own handler (core hooks run in app order), so this one wins.
@hooks.register("register_rich_text_features", order=100)
def register_page_link_handler(features):
    features.register_link_type(PageLinkHandlerOneQuery)


# The admin for editors: the explorer at Home, the team's edits, the editor guide for editors.

TEAM_EDITS_LIMIT = 8
EDIT_ACTIONS = ("wagtail.edit", "wagtail.publish", "wagtail.create")


def site_home(request) -> Page | None:
    """The Home page of the site being edited (the default site's root page)."""
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return site.root_page if site else None


class HomeExplorerMenuItem(ExplorerMenuItem):
    """The Pages menu opens at the site's Home page, not at Wagtail's Root (a page nobody edits,
    which would be an extra click every time); people whose rights start lower keep their own
    start page."""

    def explorer_start(self, request) -> Page | None:
        start = policy_registry.get_by_type(Page).explorable_root_instance(request.user)
        if start is not None and start.is_root():
            home = site_home(request)
            if home is not None:
                return home
        return start

    def get_context(self, request):
        context = super().get_context(request)
        start = self.explorer_start(request)
        if start is not None:
            context["start_page_id"] = start.pk
        return context

    def render_component(self, request):
        start = self.explorer_start(request)
        if start is None:
            return super().render_component(request)
        return PageExplorerMenuItemComponent(
            self.name,
            self.label,
            reverse("wagtailadmin_explore", args=[start.pk]),
            start.pk,
            icon_name=self.icon_name,
            classname=self.classname,
        )


@hooks.register("construct_main_menu")
def open_pages_at_home(request, menu_items):
    menu_items[:] = [
        HomeExplorerMenuItem(
            item.label, item.url, name=item.name, icon_name=item.icon_name, order=item.order
        )
        if item.name == "explorer"
        else item
        for item in menu_items
    ]


# Help menu items about editing pages in Wagtail: of no use to someone who cannot edit one.
PAGE_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail")


@hooks.register("construct_help_menu")
def keep_editor_guide_for_editors(request, menu_items):
    if not user_has_any_page_permission(request.user):
        menu_items[:] = [item for item in menu_items if not item.name.startswith(PAGE_HELP_ITEMS)]


class TeamEditsPanel(Component):
    """The latest page edits by everyone, for editors: Wagtail's own panel lists only the
    signed-in user's edits, and an editor starting the day wants to see what the team changed."""

    name = "team_edits"
    template_name = "wagtailadmin/home/team_edits.html"
    order = 260  # just after Wagtail's "Your most recent edits"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        entries = (
            PageLogEntry.objects.filter(action__in=EDIT_ACTIONS)
            .select_related("user")
            .order_by("-timestamp")[: TEAM_EDITS_LIMIT * 4]
        )
        latest = {}
        for entry in entries:
            if entry.page_id not in latest:
                latest[entry.page_id] = entry
        pages = Page.objects.only("id", "title", "draft_title", "live").in_bulk(list(latest))
        edits = [
            {"page": pages[page_id], "entry": entry}
            for page_id, entry in latest.items()
            if page_id in pages and not pages[page_id].is_root()
        ]
        return {"edits": edits[:TEAM_EDITS_LIMIT]}


@hooks.register("construct_homepage_panels")
def add_team_edits_panel(request, panels):
    if user_has_any_page_permission(request.user):
        panels.append(TeamEditsPanel(request))


class TopicDescriptionViewSet(SnippetViewSet):
    model = TopicDescription
    icon = "tag"
    menu_label = "Topic descriptions"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["tag", "description"]
    search_fields = ["description"]


register_snippet(TopicDescriptionViewSet)


# Landing pages have a thank-you URL of their own (ad platforms count conversions by URL): the
# submit view asks the hooks named leads_thanks_url where a lead's thank-you is.


@hooks.register("leads_thanks_url")
def landing_page_thanks_url(request, submission, token):
    return LandingPage.thanks_url(submission.page_id, token)
