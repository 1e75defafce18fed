"""URL helpers for the views of blog/views.py and blog/feeds.py (routed in leadsite/urls.py)."""

import re
import unicodedata
from urllib.parse import quote


class UnicodeSlugConverter:
    """A slug that may hold any letter or digit (`français`, `日本語`), not only ASCII ones:
    taggit (TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING off) and Wagtail (WAGTAIL_ALLOW_UNICODE_SLUGS)
    keep them. Django's `slug` converter would answer 404 for such a topic.

    Slugs are stored in Unicode's NFKC form (`slugify(allow_unicode=True)`); a path typed in
    another form (a decomposed `ç`) names the same topic."""

    regex = r"[^/]+"
    _slug = re.compile(r"[-\w]+")

    def to_python(self, value: str) -> str:
        value = unicodedata.normalize("NFKC", value)
        if not self._slug.fullmatch(value):
            raise ValueError("not a slug")  # the URL does not match: 404
        return value

    def to_url(self, value: str) -> str:
        return value


def tag_url(slug: str, *, feed: bool = False) -> str:
    """The path of a topic's archive (or its RSS feed), percent-encoded
    (`/tags/fran%C3%A7ais/`). Built, not reversed: a topic whose name has no letter at all
    has an empty slug, and its link must not turn the article that shows it into a 500."""
    return f"/tags/{quote(slug, safe='')}/" + ("feed/" if feed else "")
