"""RSS 2.0 feeds: every article, and one per topic."""

from datetime import UTC, datetime, time

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

from .models import ArticlePage
from .urls import tag_url
from .views import get_tag_or_404

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    title = "LeadSite: latest articles"
    link = "/posts/"
    description = "New articles on lead generation, content marketing and sales."

    def items(self):
        return self.articles()[:FEED_LENGTH]

    def articles(self, tag=None):
        return ArticlePage.objects.listed(tag).prefetch_related("tags")

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return datetime.combine(item.date, time.min, tzinfo=UTC)

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_tag_or_404(slug)

    def title(self, tag):
        return f"LeadSite: articles on {tag.name}"

    def link(self, tag):
        return tag_url(tag.slug)

    def description(self, tag):
        return f"New articles on {tag.name}."

    def items(self, tag):
        return self.articles(tag)[:FEED_LENGTH]
