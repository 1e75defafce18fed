"""URL helpers for the views of blog/views.py and blog/feeds.py (routed in leadsite/urls.py)."""

import re
import unicodedata

from django.urls import reverse


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


def tag_url(slug: str) -> str:
    """The path of a topic's archive, percent-encoded (`/tags/fran%C3%A7ais/`)."""
    return reverse("tag_archive", args=[slug])
