"""Wagtail hooks of the blog: internal links in rich text resolved with one query, and the
topic descriptions editors write for the topic archives."""

from wagtail import hooks
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import TopicDescription


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


class TopicDescriptionViewSet(SnippetViewSet):
    model = TopicDescription
    icon = "tag"
    menu_label = "Topic descriptions"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["tag", "description"]
    search_fields = ["description"]


register_snippet(TopicDescriptionViewSet)
