"""Links between imported articles: a link to `/posts/<slug>/` (root-relative, or on one of
settings.LEADSITE_IMPORT_ORIGINS) to an article of the site or of the batch becomes an
internal page link, so that it follows the page when it moves; the others are reported."""

import html
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

_LINK = re.compile(r'<a href="([^"]*)">')
_ARTICLE_PATH = re.compile(r"/posts/([^/]+)/?")


def article_slug(url: str, origins: Iterable[str]) -> str | None:
    """The slug in a link to an article: `/posts/<slug>/` on this site (a root-relative link)
    or on one of the origins the articles come from (settings.LEADSITE_IMPORT_ORIGINS)."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        known = f"{parts.scheme}://{parts.netloc}".lower() in {o.lower() for o in origins}
    elif parts.netloc:  # //host/path
        known = parts.netloc.lower() in {urlsplit(o).netloc.lower() for o in origins}
    else:
        known = not parts.scheme and parts.path.startswith("/")
    match = _ARTICLE_PATH.fullmatch(parts.path) if known else None
    return unquote(match.group(1)) if match else None


def internal_links(
    markup: str, *, page_ids: dict[str, int | None], origins: list[str], unresolved: list[str]
) -> str:
    """Rich text with its links to known articles (page_ids: slug → page id, None for a page
    a dry run would create) made internal page links. Links to unknown articles are left as
    they are and added to `unresolved`."""

    def link(match):
        url = html.unescape(match.group(1))
        slug = article_slug(url, origins)
        if slug is None:
            return match.group(0)
        if slug in page_ids:
            return f'<a linktype="page" id="{page_ids[slug] or 0}">'
        if url not in unresolved:
            unresolved.append(url)
        return match.group(0)

    return _LINK.sub(link, markup)
