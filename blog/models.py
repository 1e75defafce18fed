"""Page types of the public site: home → article index (/posts/) → articles, home → content
pages and campaign landing pages (landing.py), each a BasePage (base_page.py), and the named
queries that list articles and topics."""

from functools import cached_property
from pathlib import PurePosixPath

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.safestring import mark_safe
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from leadsite import page_cache

from .base_page import BasePage
from .blocks import ArticleBodyBlock, ContentBodyBlock
from .landing import LandingPage  # noqa: F401 - the app's models are all in blog.models
from .text import anchor_headings, reading_minutes

ARTICLES_PER_PAGE = 12
# What a card (and a feed item) shows; loading only these keeps long lists cheap.
CARD_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "live",
    "locale_id",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "date",
    "summary",
    "hero_image",
)


class HomePage(BasePage):
    headline = models.CharField(
        "headline",
        max_length=120,
        default="Articles that turn readers into qualified leads",
        help_text="The value proposition, in one line. It is the page's main heading.",
    )
    intro = models.TextField(
        "introduction",
        blank=True,
        max_length=400,
        help_text="Two sentences under the headline: who the site is for and what they get.",
    )

    featured_cta = models.ForeignKey(
        "leads.CallToAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="featured call to action",
        help_text="Shown on the home page under the latest articles, e.g. the newsletter.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("headline"),
        FieldPanel("intro"),
        FieldPanel("featured_cta"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["blog.ArticleIndexPage", "blog.ContentPage", "blog.LandingPage"]
    max_count = 1
    template = "pages/home_page.html"

    class Meta:
        verbose_name = "home page"

    def get_meta_description(self) -> str:
        return self.search_description or self.intro

    def get_routable_children(self):
        return ArticleIndexPage.objects.all()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = ArticlePage.objects.listed()[:6]
        context["website_ld"] = {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": settings.WAGTAIL_SITE_NAME,
            "url": request.build_absolute_uri("/"),
            "potentialAction": {
                "@type": "SearchAction",
                "target": request.build_absolute_uri("/search/") + "?q={query}",
                "query-input": "required name=query",
            },
        }
        return context


class ArticleIndexPage(BasePage):
    intro = models.TextField(
        "introduction",
        blank=True,
        max_length=400,
        help_text="A sentence or two above the list of articles.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["blog.HomePage"]
    subpage_types = ["blog.ArticlePage"]
    max_count = 1
    template = "pages/article_index_page.html"

    class Meta:
        verbose_name = "article index"

    def get_meta_description(self) -> str:
        return self.search_description or self.intro

    def get_routable_children(self):
        # With what the article template shows, so that serving it needs no further query.
        return ArticlePage.objects.select_related(
            "hero_image", "social_image", "cta__document"
        ).prefetch_related("hero_image__renditions", "tags")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate(ArticlePage.objects.listed(), request)
        return context


def paginate(queryset, request, per_page=ARTICLES_PER_PAGE):
    """One page of results; `?page=abc` gives the first page and `?page=999` the last."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page_cache.paginated(request, page)
    return page


class RenderedBody:
    """A page whose `body` StreamField is rendered once per request, its headings anchored
    (blog/text.py): `body_html` and its `table_of_contents`."""

    @cached_property
    def _body(self):
        # With the page in the context: CTA blocks record it as where a lead came from.
        html, headings = anchor_headings(self.body.render_as_block(context={"page": self}))
        return mark_safe(html), headings  # noqa: S308 - rendered by Wagtail's own blocks

    @property
    def body_html(self):
        return self._body[0]

    @property
    def table_of_contents(self):
        return self._body[1]


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePageQuerySet(PageQuerySet):
    def for_cards(self):
        """Newest publication first, with what a card shows and without the bodies."""
        return (
            self.order_by("-date", "-first_published_at", "-pk")
            .only(*CARD_FIELDS)
            .select_related("hero_image")
            .prefetch_related("hero_image__renditions")
        )

    def listed(self, tag=None):
        """Live, public articles (those carrying `tag`, if given), newest publication first,
        ready for cards."""
        articles = self.live().public().for_cards()
        return articles if tag is None else articles.filter(tags=tag)


class ArticlePage(RenderedBody, BasePage):
    date = models.DateField(
        "publication date",
        default=timezone.localdate,
        help_text="Shown on the article and used to order lists, e.g. 2026-03-14.",
    )
    summary = models.TextField(
        "summary",
        max_length=400,
        help_text="Two sentences shown under the title, on cards and in feeds.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="hero image",
        help_text="Wide image at the top of the article (at least 1200x630). Its description "
        "is used as alternative text.",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name="body", blank=True)
    tags = ClusterTaggableManager(
        through=ArticlePageTag,
        blank=True,
        verbose_name="topics",
        help_text="Topics readers can browse, e.g. 'lead generation'. Start typing to reuse one.",
    )
    cta = models.ForeignKey(
        "leads.CallToAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="call to action",
        help_text="Shown after the article. Leave blank for the CTA of the article's topic, if "
        "there is one (Calls to action > Topic CTAs).",
    )

    objects = PageManager.from_queryset(ArticlePageQuerySet)()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("tags"), FieldPanel("hero_image")],
            heading="Publication",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("cta"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["blog.ArticleIndexPage"]
    subpage_types = []
    template = "pages/article_page.html"

    class Meta:
        verbose_name = "article"

    def get_meta_description(self) -> str:
        return self.search_description or self.summary

    def get_social_image(self):
        return self.social_image or self.hero_image

    @property
    def hero_alt(self) -> str:
        """The hero's alt text; "" for a generated hero (abstract shapes, blog/heroes.py),
        which is decorative: the title is in the <h1> above it."""
        image = self.hero_image
        if image is None or PurePosixPath(image.file.name).name.startswith("hero-"):
            return ""
        return image.description or self.title

    @cached_property
    def reading_minutes(self) -> int:
        return reading_minutes(self.body_html)

    @cached_property
    def end_cta(self):
        """The CTA after the body: the article's own, else its first topic's (by name).

        None if that CTA is already in the body: the reader sees each offer once.
        """
        from leads.models import CallToAction

        cta = self.cta
        if cta is None:
            cta = (
                CallToAction.objects.with_document()
                .filter(topics__tag__in=[tag.pk for tag in self.tag_list])
                .order_by("topics__tag__name")
                .first()
            )
        in_body = {
            block.value.pk for block in self.body if block.block_type == "cta" and block.value
        }
        return None if cta is None or cta.pk in in_body else cta

    @cached_property
    def offer_cta(self):
        """The end CTA when it is a gated offer (a download): shown early, after the
        introduction, where readers still decide whether to read on."""
        from leads import kinds

        cta = self.end_cta
        return cta if cta is not None and kinds.get(cta.kind).gated_document else None

    @cached_property
    def closing_cta(self):
        """The end CTA when it is not shown early: after the article and its navigation to the
        previous and next articles, so that it never sits right under a form. When the body
        ends with a CTA and there is no such navigation between them, none: two forms back to
        back would ask twice for the same email."""
        if self.offer_cta is not None:
            return None
        blocks = list(self.body)
        if blocks and blocks[-1].block_type == "cta" and not any(self.neighbours):
            return None
        return self.end_cta

    @cached_property
    def tag_list(self):
        return sorted(self.tags.all(), key=lambda tag: tag.name.lower())

    @cached_property
    def _other_articles(self):
        """Live, public articles but this one.

        `public()` reads the view restrictions when it is called; doing it once here serves
        related, previous and next. An article previewed before its first save has no pk.
        """
        articles = ArticlePage.objects.live().public()
        return articles.exclude(pk=self.pk) if self.pk else articles

    def related_articles(self, limit=3):
        """Articles sharing most tags with this one, newest first among equals."""
        tag_ids = [tag.pk for tag in self.tag_list]
        if not tag_ids:
            return []
        return list(
            self._other_articles.for_cards()
            .filter(tags__in=tag_ids)
            .annotate(shared=Count("pk"))
            .order_by("-shared", "-date", "-pk")[:limit]
        )

    def _neighbours(self, newer: bool):
        same_day = Q(date=self.date, pk__gt=self.pk) if newer else Q(date=self.date, pk__lt=self.pk)
        later = Q(date__gt=self.date) if newer else Q(date__lt=self.date)
        condition = later | same_day if self.pk else later
        order = ("date", "pk") if newer else ("-date", "-pk")
        pages = self._other_articles.only("title", "url_path")
        return pages.filter(condition).order_by(*order).first()

    @cached_property
    def neighbours(self):
        """(the next older article, the next newer article), either may be None."""
        return self._neighbours(newer=False), self._neighbours(newer=True)

    def get_previous_article(self):
        """The next older article."""
        return self.neighbours[0]

    def get_next_article(self):
        """The next newer article."""
        return self.neighbours[1]


class ContentPage(RenderedBody, BasePage):
    """A plain page under home, such as About or the privacy policy: no date, topics or CTA."""

    intro = models.TextField(
        "introduction",
        blank=True,
        max_length=400,
        help_text="One or two sentences under the title, e.g. 'Who we are and why we write.'",
    )
    body = StreamField(ContentBodyBlock(), verbose_name="body", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["blog.HomePage"]
    subpage_types = []
    template = "pages/content_page.html"

    class Meta:
        verbose_name = "content page"

    def get_meta_description(self) -> str:
        return self.search_description or self.intro


class TopicDescription(models.Model):
    """What a topic archive (/tags/<slug>/) says about its topic, above the articles."""

    tag = models.OneToOneField(
        "taggit.Tag",
        on_delete=models.CASCADE,
        related_name="description",
        verbose_name="topic",
        help_text="The topic this text introduces, e.g. 'lead generation'.",
    )
    description = models.TextField(
        "description",
        max_length=400,
        help_text="One or two sentences under the topic's heading and in search results, e.g. "
        "'How B2B sites turn readers into leads sales can call.'",
    )

    panels = [FieldPanel("tag"), FieldPanel("description")]

    class Meta:
        verbose_name = "topic description"
        verbose_name_plural = "topic descriptions"
        ordering = ["tag__name"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="topic_description_not_empty")
        ]

    def __str__(self):
        return f"Description of topic {self.tag}"


def tags_in_use():
    """Tags on live public articles, with how many articles carry each, by name."""
    return (
        Tag.objects.filter(
            blog_articlepagetag_items__content_object__live=True,
        )
        .annotate(article_count=Count("blog_articlepagetag_items", distinct=True))
        .filter(article_count__gt=0)
        .order_by("name")
    )
