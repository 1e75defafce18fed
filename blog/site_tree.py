"""The fixed shape of the public site: one home page at the root, the article index at /posts/."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import ArticleIndexPage, HomePage

HOME_DEFAULTS = {
    "title": "Home",
    "headline": "Articles that turn readers into qualified leads",
    "intro": (
        "Practical guides on B2B lead generation: gated content, quote forms, newsletters and "
        "the hand-off to sales, written by people who have run them."
    ),
    "search_description": (
        "Practical guides on B2B lead generation, content marketing and the hand-off to sales."
    ),
}
INDEX_DEFAULTS = {
    "title": "Articles",
    "slug": "posts",
    "intro": "Every article, newest first.",
    "search_description": "Every LeadSite article on B2B lead generation, newest first.",
}


@transaction.atomic
def ensure_site_tree() -> tuple[HomePage, ArticleIndexPage]:
    """Create (or find) the home page and the article index, and point the default site at home.

    Wagtail's first migration creates a placeholder "Welcome" page; it is replaced, so that the
    home page owns the `home` slug and `/` on a fresh install.
    """
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        for placeholder in root.get_children().exact_type(Page):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        home = root.add_child(instance=HomePage(slug="home", **HOME_DEFAULTS))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    if site.root_page_id != home.pk or not site.site_name:
        site.hostname = site.hostname or "localhost"
        site.port = site.port or 80
        site.root_page = home
        site.site_name = site.site_name or "LeadSite"
        site.save()
    index = ArticleIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=ArticleIndexPage(**INDEX_DEFAULTS))
        index.save_revision().publish()
    return home.specific, index.specific
