"""The abstract BasePage every public page type extends: sharing fields (social image and
text), meta description, sitemap entries on the crawler's host, breadcrumbs, and routing into
children of a known type with one query."""

from functools import cached_property

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page


class BasePage(Page):
    """Fields every public page shares: how it looks when shared and in search results."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="social image",
        help_text="Shown when the page is shared (1200x630 works best). Defaults to the hero.",
    )
    social_text = models.CharField(
        "social description",
        max_length=200,
        blank=True,
        help_text="One sentence for link previews, e.g. 'Five form fields sales actually reads.' "
        "Defaults to the search description.",
    )

    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel([FieldPanel("social_image"), FieldPanel("social_text")], heading="Sharing"),
    ]

    class Meta:
        abstract = True

    def get_meta_description(self) -> str:
        return self.search_description or ""

    def get_social_description(self) -> str:
        return self.social_text or self.get_meta_description()

    def get_social_image(self):
        return self.social_image

    def get_sitemap_urls(self, request=None):
        """Sitemap entries on the host the crawler asked for, as canonical URLs are."""
        urls = super().get_sitemap_urls(request)
        if request is not None:
            for entry in urls:
                entry["location"] = request.build_absolute_uri(self.get_url(request))
        return urls

    @cached_property
    def breadcrumbs(self):
        """(title, path) of the ancestors below the tree root, then of this page.

        Walks up with get_parent(), which costs nothing on a served page: routing has already
        attached each parent (see `route`).
        """
        pages = [self]
        while pages[-1].depth > 2:
            pages.append(pages[-1].get_parent())
        return [(page.title, page.url) for page in reversed(pages)]

    def get_routable_children(self):
        """Children of a known type, as a queryset, for one-query routing (None: default)."""
        return None

    def route(self, request, path_components):
        """Route into a child of a known page type with one query.

        Wagtail's default `route()` loads the child as a plain Page and then again as its
        specific type; on the hottest path of the site that second query is pure overhead.
        Children of other types still route the default way.
        """
        children = self.get_routable_children()
        if path_components and children is not None:
            slug, *remaining = path_components
            child = children.child_of(self).filter(slug=slug).first()
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, remaining)
        return super().route(request, path_components)
