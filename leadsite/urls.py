"""The project's URLs: composes the apps' views (blog, leads), Wagtail's admin and pages, feeds,
sitemaps and health checks."""

from django.conf import settings
from django.urls import include, path, register_converter
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from blog import views as blog_views
from blog.feeds import LatestArticlesFeed, TagFeed
from blog.sitemaps import TagSitemap
from blog.urls import UnicodeSlugConverter

# Topic slugs keep letters beyond ASCII (`français`), as taggit makes them.
register_converter(UnicodeSlugConverter, "unicode_slug")

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("leads/", include("leads.urls")),
    # The providers' signed webhooks (deliveries, bounces, complaints): mailings/tracking.py.
    path("email/provider/", include("anymail.urls")),
    path("email/", include("mailings.urls")),
    path("search/", blog_views.search, name="search"),
    path("tags/", blog_views.tag_index, name="tag_index"),
    path("tags/<unicode_slug:slug>/", blog_views.tag_archive, name="tag_archive"),
    path("tags/<unicode_slug:slug>/feed/", TagFeed(), name="tag_feed"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": PageSitemap, "tags": TagSitemap}},
        name="sitemap",
    ),
    path("robots.txt", blog_views.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: documents are served by Wagtail's view, which keeps gated files gated.
    # In production the web server must do the same (see docs/leads.md).
    for folder in ("images", "original_images"):
        urlpatterns += static(
            f"{settings.MEDIA_URL}{folder}/", document_root=settings.MEDIA_ROOT / folder
        )

urlpatterns += [path("", include(wagtail_urls))]
