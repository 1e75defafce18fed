"""What the blog tells the page cache: the front-cache URLs its pages have, and those a
published, unpublished or moved page shows on (its ancestors, topics, feeds, listing pages).

Connected in blog/apps.py; the page cache itself is leadsite/page_cache/ (docs/production.md).
"""

from taggit.models import Tag
from wagtail.models import Page, Site

from leadsite import page_cache

from .models import ARTICLES_PER_PAGE, ArticleIndexPage, ArticlePage


def _site_urls(site) -> list[str]:
    """The listings every site has: topics, feeds, sitemap."""
    root = site.root_url
    return [f"{root}/tags/", f"{root}/feed/", f"{root}/sitemap.xml"]


def _tag_urls(root, slugs) -> list[str]:
    return [url for slug in slugs for url in (f"{root}/tags/{slug}/", f"{root}/tags/{slug}/feed/")]


def _listing_pages(url, count) -> list[str]:
    """The `?page=N` copies a front cache keeps apart of a listing of `count` articles: every
    page it has, and one more (the article just unpublished may have made the last one)."""
    last = -(-count // ARTICLES_PER_PAGE) + 1
    return [f"{url}?page={number}" for number in range(1, last + 1)]


def listing_page_urls(root, *, index_paths, tag_slugs) -> list[str]:
    """The paginated copies of the article indexes at `index_paths` (site-relative) and of
    the topics `tag_slugs`: a purge of the bare URL does not reach them."""
    listed = ArticlePage.objects.listed()
    urls = []
    if index_paths:
        count = listed.count()
        for path in index_paths:
            urls += _listing_pages(root + path, count)
    for slug in tag_slugs:
        urls += _listing_pages(f"{root}/tags/{slug}/", listed.filter(tags__slug=slug).count())
    return urls


def public_urls() -> list[str]:
    """Every absolute URL the front cache may hold: live public pages, topics, feeds."""
    slugs = list(
        Tag.objects.filter(pk__in=ArticlePage.tags.through.objects.values("tag_id")).values_list(
            "slug", flat=True
        )
    )
    urls = []
    for site in Site.objects.all():
        pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
        urls += [site.root_url + page.get_url_parts()[2] for page in pages.specific(defer=True)]
        urls += _site_urls(site) + _tag_urls(site.root_url, slugs)
        indexes = pages.type(ArticleIndexPage).specific(defer=True)
        urls += listing_page_urls(
            site.root_url,
            index_paths=[page.get_url_parts()[2] for page in indexes],
            tag_slugs=slugs,
        )
    return urls


def urls_showing_page(page, *, old_url_path=None) -> list[str]:
    """The URLs that show `page` in the front cache: the page (and where it was before a
    move), its ancestors (home, index), the topics it is filed under, the feeds and sitemap.
    Related-article lists on other articles follow within PAGE_CACHE_SECONDS."""
    site = page.get_site()
    if site is None:
        return []
    root = site.root_url
    site_path = site.root_page.url_path
    paths = {page.url_path} | set(
        page.get_ancestors(inclusive=False)
        .filter(depth__gte=site.root_page.depth)
        .values_list("url_path", flat=True)
    )
    if old_url_path:
        paths.add(old_url_path)
    urls = [
        root + "/" + path.removeprefix(site_path) for path in paths if path.startswith(site_path)
    ]
    tags = getattr(page.specific_deferred, "tags", None)
    slugs = list(tags.values_list("slug", flat=True)) if tags is not None else []
    urls += _tag_urls(root, slugs)
    urls += listing_page_urls(root, index_paths=_index_paths(page, site), tag_slugs=slugs)
    return urls + _site_urls(site)


def _index_paths(page, site) -> list[str]:
    """Site-relative paths of the article indexes at or above `page` (they list it, in pages)."""
    site_path = site.root_page.url_path
    indexes = page.get_ancestors(inclusive=True).type(ArticleIndexPage)
    paths = indexes.values_list("url_path", flat=True)
    return ["/" + path.removeprefix(site_path) for path in paths if path.startswith(site_path)]


# Signal receivers, connected in blog/apps.py.


def purge_after_publish(sender, instance, **kwargs) -> None:
    """page_published, page_unpublished (also sent when a live page is deleted)."""
    page_cache.purge(urls=urls_showing_page(instance))


def purge_after_move(sender, instance, url_path_before="", **kwargs) -> None:
    """post_page_move: the page's old URL goes too."""
    if instance.live:
        page_cache.purge(urls=urls_showing_page(instance, old_url_path=url_path_before))
