from django.contrib.sitemaps import Sitemap

from .models import tags_in_use


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(tags_in_use())

    def location(self, tag):
        return f"/tags/{tag.slug}/"
