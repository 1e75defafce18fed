from wagtail import hooks
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler


class PageLinkHandlerOneQuery(PageLinkHandler):
    """Internal links in rich text, resolved with one query for all of a body's links.

    Wagtail's handler loads the linked pages, then each content type again as specific pages;
    `specific(defer=True)` gives the specific classes (so their URL logic applies) from the
    first query.
    """

    @classmethod
    def get_many(cls, attrs_list):
        ids = [attrs.get("id") for attrs in attrs_list]
        pages = Page.objects.filter(id__in=ids).defer_streamfields().specific(defer=True)
        by_id = {str(page.pk): page for page in pages}
        return [by_id.get(str(id_)) for id_ in ids]


# Registered after Wagtail's own handler (core hooks run in app order), so this one wins.
@hooks.register("register_rich_text_features", order=100)
def register_page_link_handler(features):
    features.register_link_type(PageLinkHandlerOneQuery)
