"""Small `make_*` helpers for test data: explicit, with sensible defaults."""

import datetime
import io
import itertools

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from blog.models import ArticlePage

_counter = itertools.count(1)


def make_image(
    title="Test image", width=1200, height=630, colour=(15, 61, 62), *, pixels=None, **fields
):
    """A Wagtail image of one colour, or of the given Pillow image (`pixels`)."""
    buffer = io.BytesIO()
    (pixels or PILImage.new("RGB", (width, height), colour)).save(buffer, "PNG")
    return Image.objects.create(
        title=title,
        file=ImageFile(buffer, name=f"test-{next(_counter)}.png"),
        **fields,
    )


def make_article(
    index,
    title=None,
    *,
    date=None,
    tags=(),
    summary="A short summary of the article.",
    body=None,
    hero_image=None,
    live=True,
    **fields,
):
    n = next(_counter)
    title = title or f"Article {n}"
    article = ArticlePage(
        title=title,
        date=date or datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        summary=summary,
        body=body
        if body is not None
        else [("section", "<h2>First heading</h2><p>Some words in the body.</p>")],
        hero_image=hero_image,
        **fields,
    )
    index.add_child(instance=article)
    article.tags.set(list(tags))
    revision = article.save_revision()
    if live:
        revision.publish()
    else:
        article.unpublish()
    article.refresh_from_db()
    return article
