"""One Markdown file → an Article, without the database: front matter, slug, summary, and the
body as blocks. A file that cannot be imported raises an ArticleError naming the problem."""

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..models import ArticlePage
from .article import Article, ArticleError, Figure
from .body import MarkdownConverter
from .front_matter import (
    bool_field,
    date_field,
    one_line,
    slug_field,
    split_front_matter,
    tags_field,
)

SUMMARY_LENGTH = 300
SUMMARY_MAX_LENGTH = ArticlePage._meta.get_field("summary").max_length
TITLE_MAX_LENGTH = ArticlePage._meta.get_field("title").max_length


def parse_article(path: Path, converter: MarkdownConverter | None = None) -> Article:
    """Read one file; raise ArticleError naming the problem when it cannot be imported."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError("no such file or folder") from None
    except OSError as exc:
        raise ArticleError(f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None
    meta, body_text = split_front_matter(text)

    title = one_line(meta.get("title"))
    if not title:
        raise ArticleError("missing title in the front matter")
    if len(title) > TITLE_MAX_LENGTH:
        raise ArticleError(f"title is longer than {TITLE_MAX_LENGTH} characters")
    image = str(meta.get("image") or "").strip()
    converter = converter or MarkdownConverter()
    body, first_paragraph, warnings = converter.convert(body_text)
    if body and isinstance(body[0], Figure) and _same_image(body[0].src, image):
        body = body[1:]  # the hero, repeated at the top of the body by the static site

    description = one_line(meta.get("description"))
    if len(description) > SUMMARY_MAX_LENGTH:
        description = _truncate(description, SUMMARY_MAX_LENGTH)
        warnings.append(f"description cut to {SUMMARY_MAX_LENGTH} characters")
    summary = description or _truncate(first_paragraph, SUMMARY_LENGTH) or title

    return Article(
        path=path,
        title=title,
        slug=slug_field(meta, title, image, path),
        date=date_field(meta.get("date")),
        summary=summary,
        tags=tags_field(meta.get("tags")),
        draft=bool_field(meta.get("draft"), "draft"),
        image=image,
        image_alt=one_line(meta.get("image_alt")),
        body=body,
        warnings=warnings,
    )


def _same_image(src: str, image: str) -> bool:
    if not src or not image:
        return False
    name = PurePosixPath(unquote(urlsplit(src).path)).name.lower()
    return name == PurePosixPath(unquote(urlsplit(image).path)).name.lower()


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "…"
