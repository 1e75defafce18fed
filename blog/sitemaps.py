"""Sitemap entries that are not Wagtail pages: the topic archives (pages list themselves)."""

from django.contrib.sitemaps import Sitemap

from .models import tags_in_use
from .urls import tag_url


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(tags_in_use())

    def location(self, tag):
        return tag_url(tag.slug)
