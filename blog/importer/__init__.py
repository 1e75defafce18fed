"""Import Markdown articles (YAML front matter, Markdown body) as article pages under /posts/.

    ---
    title: "What's Lead Gen?"
    date: 2025-03-27
    image: /media/what-s-lead-gen.webp
    tags: [post, marketing automation]
    ---
    Markdown body…

`import_paths()` is the one entry point (the `import_articles` command is a thin shell over it).
It works in three steps:

1. Parse every file (no database): front matter, slug, summary, and the body converted from
   Markdown to sanitised HTML and cut into StreamField blocks. A bad file is reported and
   skipped; the others carry on.
2. Reserve a page for every new slug, so that every article of the batch has a page id.
3. Write each article in its own transaction: hero and body images, tags, the body with links
   to other articles turned into internal page links, then a revision, published unless it is
   a draft. An article whose imported fields already match its latest revision is left alone:
   a re-run saves no revision and creates no image.
"""

import difflib
import hashlib
import html
import logging
import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import markdown
import nh3
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from markdown.extensions.tables import TableExtension
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

from ..heroes import DESIGN_VERSION, render_hero
from ..heroes import HEIGHT as HERO_HEIGHT
from ..heroes import WIDTH as HERO_WIDTH
from ..models import ArticleIndexPage, ArticlePage
from ..search_index import index_in_bulk, search_indexing_paused
from ..site_tree import ensure_site_tree
from ..text import FOOTNOTE_ID

logger = logging.getLogger(__name__)

SUFFIXES = {".md", ".markdown", ".txt"}

# The marker a static-site generator uses to collect posts; it is not a topic.
COLLECTION_TAGS = {"post"}
SUMMARY_LENGTH = 300
SUMMARY_MAX_LENGTH = ArticlePage._meta.get_field("summary").max_length
TITLE_MAX_LENGTH = ArticlePage._meta.get_field("title").max_length
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
ALT_TEXT_MAX_LENGTH = 250  # FigureBlock.alt_text
ATTRIBUTION_MAX_LENGTH = 200  # QuoteBlock.attribution
SLUG_FROM_IMAGE_RATIO = 0.85
FOLDER_NAMED_FILES = {"index", "_index"}  # page bundles: the folder names the page

# sane_lists: a numbered list right after a bulleted one stays a separate list, as authors
# expect. fenced_code (``` blocks), tables and footnotes become blocks of their own. Whatever
# else Markdown or raw HTML holds that the body's blocks cannot keep is reported, never
# dropped without a word.
MARKDOWN_EXTENSIONS = ["sane_lists", "fenced_code", "footnotes"]

# What survives sanitising. Everything else is stripped (its text kept), script and style
# elements with their content; links and images keep only safe URL schemes.
ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    *("p", "br", "hr", "ul", "ol", "li", "blockquote", "pre", "code"),
    *("strong", "b", "em", "i", "a", "img", "sup"),
    *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"),
    "div",  # the footnotes' container; a raw <div> is read as the blocks inside it
}
_CELL_ATTRIBUTES = {"align", "colspan", "rowspan"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class"},  # class: footnote-ref, footnote-backref
    "img": {"src", "alt"},
    "code": {"class"},  # language-python
    "li": {"id"},  # fn:<label>
    "div": {"class"},  # footnote
    "th": _CELL_ATTRIBUTES,
    "td": _CELL_ATTRIBUTES,
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Column types of blog.blocks.TableBlock, by Markdown alignment.
TABLE_COLUMN_TYPES = {"": "text", "left": "text", "center": "centred", "right": "right"}
CODE_LANGUAGE_MAX_LENGTH = 40  # CodeBlock.language
SNIPPET_LENGTH = 40

_HEADING_TAGS = {f"h{level}" for level in range(1, 7)}
_BLOCK_TAGS = {
    *_HEADING_TAGS,
    *("p", "ul", "ol", "li", "blockquote", "pre", "hr", "img", "table", "div"),
}
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")  # Jekyll's _posts/2025-03-27-title.md
_MACHINE_NAME = re.compile(r"[\d\W_]*")  # no letters at all
_HASH = re.compile(r"(?<![0-9a-z])(?=[a-f]*\d)[0-9a-f]{8,}(?![0-9a-z])")
_CODE_LANGUAGE = re.compile(r"[\w+#.-]+")
_VOID_TAGS = {"br", "hr", "img"}
_LINK = re.compile(r'<a href="([^"]*)">')
_ARTICLE_PATH = re.compile(r"/posts/([^/]+)/?")
_ATTRIBUTION = re.compile(r"^\s*(?:--|\u2014|\u2013|-)\s*(\S.*)$")  # --, em or en dash, -
_SPACES = re.compile(r"[ \t\r\n]+")  # not \s: a non-breaking space is meant
_NEW = object()  # an image a dry run would create
HERO_PREFIX = "hero-"
HERO_KEY_LENGTH = 20
HERO_PREFETCH = 8  # heroes rendered ahead of the article being written
_DRY_RUN_VERBS = {"created": "would create", "updated": "would update", "unchanged": "unchanged"}


class ArticleError(ValueError):
    """A problem with one file, worded for the person who wrote it."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file path, message)
    unresolved_links: list[tuple[str, str]] = field(default_factory=list)  # (slug, url)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file path, message)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class Figure:
    src: str
    alt: str


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class Section:
    html: str  # rich text database format, links still as <a href="…">


@dataclass(frozen=True)
class Table:
    columns: tuple[tuple[str, str], ...]  # (TableBlock column type, heading)
    rows: tuple[tuple[str, ...], ...]  # one rich text value per cell, links as <a href="…">
    caption: str = ""


@dataclass(frozen=True)
class Code:
    language: str
    text: str


@dataclass(frozen=True)
class Footnotes:
    html: str  # <ol> rich text: item n is footnote n


Block = Section | Figure | Quote | Table | Code | Footnotes


@dataclass
class Article:
    path: Path
    title: str
    slug: str
    date: date
    summary: str
    tags: list[str]
    draft: bool
    image: str
    image_alt: str
    body: list[Block]
    warnings: list[str] = field(default_factory=list)


def import_paths(
    paths: Iterable[str | Path],
    *,
    media_dir: str | Path | None = None,
    dry_run: bool = False,
    draft: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Import Markdown files, and every *.md, *.markdown and *.txt file inside folders.

    media_dir: where the images the articles refer to are (`/media/foo.webp` is looked up as
        media_dir/foo.webp, then media_dir/media/foo.webp). Without it, every article gets a
        generated hero and body images are left out.
    dry_run: work out what would change, write nothing.
    draft: save new and changed articles as drafts instead of publishing them.
    progress: called as progress(done, total, message) after each file.
    """
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            files.append(path)  # a missing file is reported when it cannot be read
    importer = _Importer(
        media_dir=Path(media_dir) if media_dir else None,
        dry_run=dry_run,
        draft=draft,
        progress=progress,
    )
    return importer.run(list(dict.fromkeys(files)))


# Parsing: file → Article, no database.


def parse_article(path: Path, converter: "MarkdownConverter | None" = None) -> Article:
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
    meta, body_text = _split_front_matter(text)

    title = " ".join(str(meta.get("title") or "").split())
    if not title:
        raise ArticleError("missing title in the front matter")
    if len(title) > TITLE_MAX_LENGTH:
        raise ArticleError(f"title is longer than {TITLE_MAX_LENGTH} characters")
    image = str(meta.get("image") or "").strip()
    converter = converter or MarkdownConverter()
    body, first_paragraph, warnings = converter.convert(body_text)
    if body and isinstance(body[0], Figure) and _same_image(body[0].src, image):
        body = body[1:]  # the hero, repeated at the top of the body by the static site

    description = " ".join(str(meta.get("description") or "").split())
    if len(description) > SUMMARY_MAX_LENGTH:
        description = _truncate(description, SUMMARY_MAX_LENGTH)
        warnings.append(f"description cut to {SUMMARY_MAX_LENGTH} characters")
    summary = description or _truncate(first_paragraph, SUMMARY_LENGTH) or title

    return Article(
        path=path,
        title=title,
        slug=_slug(meta, title, image, path),
        date=_date(meta.get("date")),
        summary=summary,
        tags=_tags(meta.get("tags")),
        draft=_bool(meta.get("draft"), "draft"),
        image=image,
        image_alt=" ".join(str(meta.get("image_alt") or "").split()),
        body=body,
        warnings=warnings,
    )


def _split_front_matter(text: str) -> tuple[dict, str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ArticleError("no front matter: the file must start with a --- line")
    closing = (n for n, line in enumerate(lines[1:], start=1) if line.strip() in {"---", "..."})
    end = next(closing, None)
    if end is None:
        raise ArticleError("the front matter is not closed by a --- line")
    try:
        meta = yaml.load("".join(lines[1:end]), Loader=_FrontMatterLoader)  # noqa: S506 - safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""  # +1 for 1-based, +1 for ---
        problem = getattr(exc, "problem", None) or str(exc)
        raise ArticleError(f"the front matter is not valid YAML{where}: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArticleError("the front matter must be 'key: value' lines")
    return meta, "".join(lines[end + 1 :])


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so that `date: 2025-13-45` is reported as a bad date
    rather than raising from inside the YAML parser."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _date(value) -> date:
    if value is None or value == "":
        raise ArticleError("missing date in the front matter (expected YYYY-MM-DD)")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).strip()).date()
    except ValueError:
        raise ArticleError(f"date {value!r} is not a date (expected YYYY-MM-DD)") from None


def _tags(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise ArticleError("tags must be a list, e.g. [marketing strategy, seo]")
    tags: dict[str, str] = {}
    for item in value:
        name = " ".join(str(item).split())
        if not name or name.lower() in COLLECTION_TAGS:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ArticleError(f"tag {name[:40]!r}… is longer than {TAG_MAX_LENGTH} characters")
        tags.setdefault(name.lower(), name)
    return list(tags.values())


def _bool(value, name) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"true", "yes", "on", "1"}:
        return True
    if text in {"false", "no", "off", "0", ""}:
        return False
    raise ArticleError(f"{name} must be true or false, not {value!r}")


def _slug(meta: dict, title: str, image: str, path: Path) -> str:
    """front-matter slug, else the permalink's last segment, else the stem of an image named
    after the article (the original site's slug), else the file's name (static site generators
    publish a file at its name), else the title, slugified."""
    candidates = [
        str(meta.get("slug") or ""),
        PurePosixPath(urlsplit(str(meta.get("permalink") or "")).path).name,
    ]
    stem = PurePosixPath(urlsplit(image).path).stem
    if stem and _named_after(stem, title):
        candidates.append(stem)
    candidates.append(_file_slug(path))
    candidates.append(title)
    for candidate in candidates:
        slug = slugify(candidate, allow_unicode=True)
        if slug:
            return slug
    raise ArticleError("cannot make a URL slug from the title; add a slug to the front matter")


def _file_slug(path: Path) -> str:
    """The name a static site generator publishes a file at: `2025-03-27-lead-gen.md` (Jekyll)
    → lead-gen, `lead-gen/index.md` (Hugo, Eleventy) → lead-gen. A name made by an export
    (`000_0e44218002e33299.txt`: only numbers, or a hash) is no name: ''."""
    name = path.stem
    if name.lower() in FOLDER_NAMED_FILES:
        name = path.resolve().parent.name
    name = _DATE_PREFIX.sub("", name)
    if _MACHINE_NAME.fullmatch(name) or _HASH.search(name.lower()):
        return ""
    return name


def _named_after(stem: str, title: str) -> bool:
    """Whether an image file name spells the title, ignoring case and punctuation:
    "What's Lead Gen?" (with a curly apostrophe) ↔ what-s-lead-gen.webp. A near match
    (a ratio of 0.85) allows a suffix such as "-2" or a dropped word."""
    a = "".join(c for c in stem.lower() if c.isalnum())
    b = "".join(c for c in title.lower() if c.isalnum())
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= SLUG_FROM_IMAGE_RATIO


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


# Markdown → sanitised HTML → StreamField blocks.


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list["_Node | str"] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A small element tree of nh3's output (which is well-formed, so no repair is needed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


class _Tables(TableExtension):
    """Markdown tables that record a row with more cells than the header has: Markdown drops
    the extra cells without a word, and the importer must not."""

    def __init__(self):
        super().__init__(use_align_attribute=True)
        self.overflow: list[str] = []

    def extendMarkdown(self, md):
        super().extendMarkdown(md)
        processor = md.parser.blockprocessors["table"]
        build_row = processor._build_row

        def checked_build_row(row, parent, align):
            if len(processor._split_row(row)) > len(align):
                self.overflow.append(row.strip())
            build_row(row, parent, align)

        processor._build_row = checked_build_row


class _RawTags(HTMLParser):
    """The names of the elements sanitising will remove: raw HTML, never Markdown's own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removed: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.removed.add(tag)


class _Findings:
    """What a conversion could not keep: errors refuse the file, warnings are reported with it.
    The footnote numbers are here too, as every part of the body may refer to them."""

    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.footnotes: dict[str, int] = {}  # "#fn:<label>" → number

    def error(self, message: str):
        if message not in self.errors:
            self.errors.append(message)

    def warn(self, message: str):
        if message not in self.warnings:
            self.warnings.append(message)


class MarkdownConverter:
    """Markdown → blocks for ArticleBodyBlock: `section` rich text in Wagtail's database format
    (h2, h3, p, b, i, code, sup, ul/ol/li, a, hr, br), `image` figures, `quote`, `table`,
    `code` and `footnotes` blocks.

    The page title is the article's only h1, so h1 becomes h2 and h4-h6 become h3. What the
    blocks cannot hold is never dropped silently: content that would be lost (a code block or
    a table inside a list, a link inside a quote, merged table cells…) refuses the file with
    an ArticleError naming it; formatting that is simplified (bold inside a quote, raw HTML
    tags) is returned as a warning.
    """

    def __init__(self):
        self._tables = _Tables()
        self._markdown = markdown.Markdown(extensions=[*MARKDOWN_EXTENSIONS, self._tables])

    def convert(self, text: str) -> tuple[list["Block"], str, list[str]]:
        """The body blocks, the plain text of the first paragraph, and the warnings."""
        self._markdown.reset()
        self._tables.overflow = []
        rendered = self._markdown.convert(text)
        found = _Findings()
        for row in self._tables.overflow:
            found.error(
                f"a table row has more cells than the table has columns ({_quoted(row)}); "
                "add a heading for every column"
            )
        raw = _RawTags()
        raw.feed(rendered)
        raw.close()
        if raw.removed:
            tags = ", ".join(f"<{tag}>" for tag in sorted(raw.removed))
            found.warn(f"raw HTML removed: {tags} (the text inside is kept, not a script's)")
        clean = nh3.clean(
            rendered,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=None,
        )
        builder = _TreeBuilder()
        builder.feed(clean)
        builder.close()
        blocks, first_paragraph = _Blocks(found).build(builder.root.children)
        if found.errors:
            raise ArticleError("; ".join(found.errors))
        return blocks, first_paragraph, found.warnings


class _Blocks:
    def __init__(self, found: _Findings):
        self.found = found
        self.blocks: list[Block] = []
        self.section: list[str] = []
        self.first_paragraph = ""

    def build(self, nodes) -> tuple[list["Block"], str]:
        notes = [n for n in nodes if isinstance(n, _Node) and _is_footnotes(n)]
        for note in notes:
            self.number_footnotes(note)
        self.blocks_of(nodes)
        self.flush()
        return self.blocks, self.first_paragraph

    def blocks_of(self, nodes):
        loose: list[_Node | str] = []  # inline content outside any block, from raw HTML
        for node in [*nodes, None]:
            if node is not None and (isinstance(node, str) or node.tag not in _BLOCK_TAGS):
                loose.append(node)
                continue
            if loose:
                self.paragraph(loose)
                loose = []
            if node is not None:
                self.block(node)

    def flush(self):
        if self.section:
            self.blocks.append(Section("".join(self.section)))
            self.section = []

    def add(self, block: "Block"):
        self.flush()
        self.blocks.append(block)

    def figures(self, figures):
        if figures:
            self.flush()
            self.blocks.extend(figures)

    def paragraph(self, nodes):
        markup, figures = _inline(nodes, self.found)
        if markup:
            self.section.append(f"<p>{markup}</p>")
            if not self.first_paragraph:
                self.first_paragraph = _plain(nodes)
        self.figures(figures)

    def block(self, node: _Node):
        tag = node.tag
        if tag in {"p", "li"}:
            self.paragraph(node.children)
        elif tag in _HEADING_TAGS:
            level = 2 if tag in {"h1", "h2"} else 3
            markup, figures = _inline(node.children, self.found, where="heading")
            if markup:
                self.section.append(f"<h{level}>{markup}</h{level}>")
            self.figures(figures)
        elif tag in {"ul", "ol"}:
            markup, figures = _list(node, self.found)
            if markup:
                self.section.append(markup)
            self.figures(figures)
        elif tag == "hr":
            self.section.append("<hr/>")
        elif tag == "img":
            self.figures(_figure(node))
        elif tag == "pre":
            self.code(node)
        elif tag == "blockquote":
            self.quote(node)
        elif tag == "table":
            self.table(node)
        elif _is_footnotes(node):
            self.footnotes(node)
        else:  # a raw <div>: its content, block by block
            self.blocks_of(node.children)

    def code(self, node: _Node):
        """A code block, exactly as written (indentation and blank lines inside it kept)."""
        text = _plain(node.children, keep_lines=True).strip("\n")
        if not text.strip():
            return
        language = ""
        for child in node.children:
            if isinstance(child, _Node) and child.tag == "code":
                classes = child.attrs.get("class", "").split()
                names = [c.removeprefix("language-") for c in classes if c.startswith("language-")]
                language = names[0] if names else ""
        if not _CODE_LANGUAGE.fullmatch(language) or len(language) > CODE_LANGUAGE_MAX_LENGTH:
            language = ""
        self.add(Code(language, text))

    def quote(self, node: _Node):
        """A quote block: plain text (the quote template shows one paragraph), and a last line
        starting with a dash as the attribution."""
        snippet = _quoted(_plain(node.children))
        lost = {n.tag for n in _descendants(node) if n.tag in _QUOTE_LOSES}
        if lost:
            what = ", ".join(sorted({_QUOTE_LOSES[tag] for tag in lost}))
            self.found.error(
                f"a quote holds plain text, and this one has {what} ({snippet}); "
                "move them out of the quote"
            )
        text = _plain(node.children, keep_lines=True)
        lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
        attribution = ""
        if len(lines) > 1 and (match := _ATTRIBUTION.match(lines[-1])):
            attribution = match.group(1)[:ATTRIBUTION_MAX_LENGTH]
            lines = lines[:-1]
        paragraphs = sum(1 for n in node.children if isinstance(n, _Node) and n.tag == "p")
        flattened = {_QUOTE_FLATTENS[n.tag] for n in _descendants(node) if n.tag in _QUOTE_FLATTENS}
        if paragraphs - bool(attribution) > 1:
            flattened.add("paragraph breaks")
        if flattened:
            self.found.warn(
                f"quote {snippet}: {', '.join(sorted(flattened))} not kept "
                "(a quote block holds one paragraph of plain text)"
            )
        if lines:
            self.add(Quote(" ".join(lines), attribution))

    def table(self, node: _Node):
        """A table block: one column type per alignment, each cell short rich text."""
        snippet = _quoted(_plain(node.children))
        rows: list[list[_Node]] = []
        header: list[_Node] | None = None
        caption = ""
        for part in node.children:
            if isinstance(part, str):
                if part.strip():
                    self.found.error(f"a table has text outside its cells ({_quoted(part)})")
            elif part.tag == "caption":
                caption = _plain(part.children)
            elif part.tag == "tr":
                rows.append(_cells(part))
            elif part.tag in {"thead", "tbody", "tfoot"}:
                group = [_cells(tr) for tr in part.children if isinstance(tr, _Node)]
                if part.tag == "thead" and group and header is None:
                    header, group = group[0], group[1:]
                rows.extend(group)
        if header is None and rows and all(cell.tag == "th" for cell in rows[0]):
            header, rows = rows[0], rows[1:]
        width = max(map(len, [header or [], *rows]), default=0)
        if not width:
            return
        if any(
            cell.attrs.get(span, "1").strip() not in {"", "1"}
            for row in [header or [], *rows]
            for cell in row
            for span in ("colspan", "rowspan")
        ):
            self.found.error(
                f"a table with merged cells (colspan or rowspan) cannot be imported ({snippet})"
            )
            return
        if any(len(row) != width for row in rows) or (header and len(header) != width):
            self.found.error(f"a table's rows do not all have the same number of cells ({snippet})")
            return
        columns = []
        for index in range(width):
            cells = [row[index] for row in [header or [], *rows] if index < len(row)]
            align = next((c.attrs["align"] for c in cells if c.attrs.get("align")), "")
            heading = ""
            if header:
                heading = _plain(header[index].children)
                for tag in {n.tag for n in _descendants(header[index])} & _HEADING_LOSES.keys():
                    self.found.error(
                        f"a table heading holds plain text, and {_quoted(heading)} has "
                        f"{_HEADING_LOSES[tag]}; move it into a cell"
                    )
            columns.append((TABLE_COLUMN_TYPES.get(align.lower().strip(), "text"), heading))
        values = []
        for row in rows:
            cells = []
            for cell in row:
                markup, figures = _inline(cell.children, self.found, where="table cell")
                if figures:
                    self.found.error(f"an image inside a table cell cannot be imported ({snippet})")
                cells.append(f"<p>{markup}</p>" if markup else "")
            values.append(tuple(cells))
        self.add(Table(tuple(columns), tuple(values), caption))

    def number_footnotes(self, node: _Node):
        for item in _footnote_items(node):
            number = len(self.found.footnotes) + 1
            self.found.footnotes[f"#{item.attrs.get('id', '')}"] = number

    def footnotes(self, node: _Node):
        """The notes, as a numbered list (item n is footnote n), without Markdown's links back
        to the text."""
        items = []
        for item in _footnote_items(node):
            children = [
                child
                for child in _without_backlinks(item.children)
                if not (isinstance(child, _Node) and child.tag == "hr")
            ]
            markup, figures = _list_item(children, self.found, where="footnote")
            if figures:
                snippet = _quoted(markup)
                self.found.error(f"an image inside a footnote cannot be imported ({snippet})")
            items.append(f"<li>{markup}</li>")
        if items:
            self.add(Footnotes(f"<ol>{''.join(items)}</ol>"))


# Tags a quote block cannot hold without losing content (error), or formatting (warning).
_QUOTE_LOSES = {
    "a": "a link",
    "img": "an image",
    "pre": "a code block",
    "table": "a table",
    "sup": "a footnote reference",
}
_QUOTE_FLATTENS = {
    **dict.fromkeys(("strong", "b"), "bold"),
    **dict.fromkeys(("em", "i"), "italic"),
    "code": "code formatting",
    **dict.fromkeys(("ul", "ol"), "a list"),
    **dict.fromkeys(_HEADING_TAGS, "a heading"),
    "blockquote": "a nested quote",
    "br": "line breaks",
    "hr": "a horizontal rule",
}
_HEADING_LOSES = {
    "a": "a link",
    "img": "an image",
    "sup": "a footnote reference",
    "code": "code formatting",
    "em": "italic",
    "i": "italic",
}


def _is_footnotes(node: _Node) -> bool:
    """Markdown's footnotes: <div class="footnote"><hr><ol><li id="fn:…">. A raw <div> that
    only borrows the class is read as the blocks inside it."""
    return (
        node.tag == "div"
        and "footnote" in node.attrs.get("class", "").split()
        and all(
            (isinstance(child, str) and not child.strip())
            or (isinstance(child, _Node) and child.tag in {"hr", "ol"})
            for child in node.children
        )
    )


def _footnote_items(node: _Node) -> list[_Node]:
    return [
        item
        for ol in node.children
        if isinstance(ol, _Node) and ol.tag == "ol"
        for item in ol.children
        if isinstance(item, _Node) and item.tag == "li"
    ]


def _without_backlinks(nodes) -> list:
    """A footnote's content without Markdown's ↩ links and the no-break space before them."""
    kept = []
    for node in nodes:
        if isinstance(node, _Node) and "footnote-backref" in node.attrs.get("class", "").split():
            if kept and isinstance(kept[-1], str):
                kept[-1] = kept[-1].rstrip("\xa0")
            continue
        if isinstance(node, _Node):
            node = _Node(node.tag, node.attrs, _without_backlinks(node.children))
        kept.append(node)
    return kept


def _cells(row: _Node) -> list[_Node]:
    return [cell for cell in row.children if isinstance(cell, _Node) and cell.tag in {"th", "td"}]


def _descendants(node: _Node):
    for child in node.children:
        if isinstance(child, _Node):
            yield child
            yield from _descendants(child)


def _quoted(text: str) -> str:
    text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    if len(text) > SNIPPET_LENGTH:
        text = text[: SNIPPET_LENGTH - 1].rstrip() + "…"
    return f"'{text}'"


def _inline(nodes, found: _Findings, where: str = "paragraph") -> tuple[str, list[Figure]]:
    """Inline markup in database format, and the images found in it (lifted out as figures).
    `where` names the place in messages about blocks that cannot be there."""
    out: list[str] = []
    figures: list[Figure] = []

    def walk(node):
        if isinstance(node, str):
            out.append(html.escape(_SPACES.sub(" ", node), quote=False))
            return
        tag = node.tag
        if tag == "img":
            figures.extend(_figure(node))
        elif tag == "br":
            out.append("<br/>")
        elif tag == "sup" and (ref := _footnote_ref(node, found)):
            # The rich text editor's own form of a superscript link, so that saving the page
            # in the editor changes nothing.
            out.append(f'<a href="#{FOOTNOTE_ID.format(ref)}"><sup>{ref}</sup></a>')
        elif tag == "code":
            text = html.escape(_SPACES.sub(" ", _plain(node.children, keep_lines=True)))
            out.append(f"<code>{text}</code>" if text.strip() else text)
        elif tag in {"strong", "b", "em", "i", "sup"} or (tag == "a" and node.attrs.get("href")):
            start = len(out)
            for child in node.children:
                walk(child)
            inner = "".join(out[start:])
            del out[start:]
            if not inner.strip():
                out.append(inner)
            elif tag == "a":
                href = html.escape(node.attrs["href"], quote=True)
                out.append(f'<a href="{href}">{inner}</a>')
            else:
                wrapper = {"strong": "b", "b": "b", "sup": "sup"}.get(tag, "i")
                out.append(f"<{wrapper}>{inner}</{wrapper}>")
        elif tag in {"ul", "ol"}:
            markup, nested = _list(node, found)
            out.append(markup)
            figures.extend(nested)
        elif tag in {"pre", "table"} or _is_footnotes(node):
            what = "a code block" if tag == "pre" else "a table"
            found.error(
                f"{what} inside a {where} cannot be imported ({_quoted(_plain([node]))}); "
                "give it a paragraph of its own"
            )
        else:  # a without a (safe) href, stray block content: keep the text
            if tag == "a":
                found.warn(
                    f"link {_quoted(_plain([node]))} kept as text: only http, https, mailto and "
                    "tel addresses are kept"
                )
            elif tag in _QUOTE_FLATTENS and tag not in {"strong", "b", "em", "i", "code", "br"}:
                found.warn(
                    f"{_QUOTE_FLATTENS[tag]} inside a {where} is kept as plain text "
                    f"({_quoted(_plain([node]))})"
                )
            for child in node.children:
                walk(child)

    for node in nodes:
        walk(node)
    # Removed elements leave the spaces that surrounded them side by side.
    markup = re.sub(" {2,}", " ", "".join(out)).strip()
    return markup, figures


def _is_unparsed_fence(paragraph: _Node) -> bool:
    """Whether a paragraph is a ``` block that Markdown read as inline code: fenced code is
    only recognised outside lists, so inside one it comes out as a code span of several lines."""
    content = [n for n in paragraph.children if not (isinstance(n, str) and not n.strip())]
    return (
        len(content) == 1
        and isinstance(content[0], _Node)
        and content[0].tag == "code"
        and "\n" in _plain(content[0].children, keep_lines=True).strip()
    )


def _footnote_ref(node: _Node, found: _Findings) -> int | None:
    """The number of the footnote a Markdown footnote reference <sup> points to."""
    for child in node.children:
        if isinstance(child, _Node) and "footnote-ref" in child.attrs.get("class", "").split():
            return found.footnotes.get(child.attrs.get("href", ""))
    return None


def _list(node: _Node, found: _Findings, where: str = "list item") -> tuple[str, list[Figure]]:
    items: list[str] = []
    figures: list[Figure] = []
    for item in node.children:
        if isinstance(item, _Node) and item.tag == "li":
            markup, found_figures = _list_item(item.children, found, where=where)
            items.append(f"<li>{markup}</li>")
            figures.extend(found_figures)
    markup = f"<{node.tag}>{''.join(items)}</{node.tag}>" if items else ""
    return markup, figures


def _list_item(children, found: _Findings, where: str = "list item") -> tuple[str, list[Figure]]:
    """A list item's content. Loose lists wrap each item's text in <p>, but the editor expects
    inline content in <li>: paragraphs are joined with line breaks, nested lists follow."""
    parts: list[str] = []
    figures: list[Figure] = []
    run: list[_Node | str] = []

    def take(converted):
        parts.append(converted[0])
        figures.extend(converted[1])

    for child in children:
        if isinstance(child, _Node) and child.tag in {"p", "ul", "ol"}:
            take(_inline(run, found, where))
            run = []
            if child.tag == "p":
                if _is_unparsed_fence(child):
                    found.error(
                        f"a code block inside a {where} cannot be imported "
                        f"({_quoted(_plain([child]))}); end the list before the code"
                    )
                take(_inline(child.children, found, where))
            else:
                take(_list(child, found, where))
        else:
            run.append(child)
    take(_inline(run, found, where))
    markup = ""
    for part in filter(None, parts):
        nested_list = part.startswith(("<ul>", "<ol>"))
        markup += ("<br/>" if markup and not nested_list else "") + part
    return markup, figures


def _figure(node: _Node) -> list[Figure]:
    src = node.attrs.get("src", "").strip()
    return [Figure(src, " ".join(node.attrs.get("alt", "").split()))] if src else []


def _plain(nodes, keep_lines=False) -> str:
    texts: list[str] = []

    def walk(node):
        if isinstance(node, str):
            texts.append(node)
        elif "footnote-ref" in node.attrs.get("class", "").split():
            return  # a footnote's number, not words of the text
        elif node.tag == "br":
            texts.append("\n")
        else:
            for child in node.children:
                walk(child)
            if node.tag in _BLOCK_TAGS:
                texts.append("\n")

    for node in nodes:
        walk(node)
    text = "".join(texts)
    if keep_lines:
        return text
    return " ".join(text.split())


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


# Writing: Article → page, one transaction each.


class _Importer:
    def __init__(self, *, media_dir, dry_run, draft, progress):
        self.media_dir = media_dir.resolve() if media_dir else None
        self.dry_run = dry_run
        self.draft = draft
        self.progress = progress
        self.report = ImportReport()
        self.origins = [origin.rstrip("/") for origin in settings.LEADSITE_IMPORT_ORIGINS]
        self.done = 0
        self.total = 0
        self.page_ids: dict[str, int | None] = {}
        self.reserved: dict[str, ArticlePage] = {}  # new pages, by slug
        self.tag_cache: dict[str, Tag] = {}
        self.hero_ids: dict[str, int] = {}
        self.hero_futures: dict[str, Future] = {}
        self.renderer: ThreadPoolExecutor | None = None
        self.written = _Written()
        self.image_model = get_image_model()

    def run(self, files: list[Path]) -> ImportReport:
        self.total = len(files)
        articles = self.parse(files)
        if not articles:
            return self.report
        index = ArticleIndexPage.objects.first() if self.dry_run else ensure_site_tree()[1]
        if index is not None:
            self.page_ids = dict(ArticlePage.objects.child_of(index).values_list("slug", "pk"))
        self.preload_tags(articles)
        self.preload_heroes()
        if self.dry_run:
            self.page_ids.update((a.slug, None) for a in articles if a.slug not in self.page_ids)
        indexed = set()
        try:
            with (
                search_indexing_paused(),
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="hero") as self.renderer,
            ):
                if not self.dry_run:
                    articles = self.reserve_all(index, articles)
                for n, article in enumerate(articles):
                    for upcoming in articles[n : n + HERO_PREFETCH]:
                        self.prefetch_hero(upcoming)
                    indexed.update(self.write_one(index, article))
        finally:
            # Whatever was written is searchable, even if the run stopped half-way.
            index_in_bulk(indexed)
        return self.report

    def parse(self, files: list[Path]) -> list[Article]:
        converter = MarkdownConverter()
        articles: dict[str, Article] = {}
        for path in files:
            try:
                article = parse_article(path, converter)
                if article.slug in articles:
                    raise ArticleError(
                        f"slug {article.slug!r} is also the slug of {articles[article.slug].path}"
                    )
            except ArticleError as exc:
                self.fail(path, str(exc))
            else:
                articles[article.slug] = article
        return list(articles.values())

    def reserve_all(self, index, articles: list[Article]) -> list[Article]:
        """Give every new article a page, so that links between them can be resolved."""
        reserved = []
        for article in articles:
            if article.slug not in self.page_ids:
                try:
                    with transaction.atomic(), disable_reference_index_auto_update():
                        page = self.reserve(index, article)
                except Exception as exc:
                    index.refresh_from_db()  # treebeard counted a child that was rolled back
                    self.fail(article.path, _message(exc))
                    continue
                self.page_ids[article.slug] = page.pk
                self.reserved[article.slug] = page
            reserved.append(article)
        return reserved

    def write_one(self, index, article: Article) -> set[tuple[str, str, int]]:
        """Write one article in its own transaction; return the objects to index for search."""
        # Wagtail updates the reference index on every save (page, revision, tags, image); one
        # update per object once the article is written gives the same index for less work.
        self.written = _Written()
        try:
            with transaction.atomic(), disable_reference_index_auto_update():
                outcome, unresolved = self.write(article)
                for obj in self.written.objects:
                    update_reference_index_task.enqueue(
                        obj._meta.app_label, obj._meta.model_name, str(obj.pk)
                    )
        except Exception as exc:
            self.rollback(index, article)
            self.fail(article.path, _message(exc))
            return set()
        getattr(self.report, outcome).append(article.slug)
        self.report.unresolved_links.extend((article.slug, url) for url in unresolved)
        self.report.warnings.extend((str(article.path), w) for w in article.warnings)
        message = f"{_DRY_RUN_VERBS[outcome] if self.dry_run else outcome} {article.slug}"
        if article.warnings:
            count = len(article.warnings)
            message += f" with {count} warning{'s' if count > 1 else ''} (listed below)"
        self.step(message)
        return {(o._meta.app_label, o._meta.model_name, o.pk) for o in self.written.objects}

    def step(self, message):
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, message)

    def fail(self, path, message):
        self.report.failed.append((str(path), message))
        self.step(f"failed {path}: {message}")

    def rollback(self, index, article):
        """Undo what a failed write left outside its transaction: cached tags, stored files,
        and the page reserved for a new article."""
        for name in self.written.tags:
            self.tag_cache.pop(name, None)
        for key in self.written.hero_keys:
            self.hero_ids.pop(key, None)
        storage = self.image_model._meta.get_field("file").storage
        for name in self.written.files:
            storage.delete(name)
        if article.slug in self.reserved:
            # Articles written before this one may already link to the reserved page; the
            # links then render as plain text, which beats a page nobody asked for.
            del self.page_ids[article.slug]
            with transaction.atomic():
                ArticlePage.objects.filter(pk=self.reserved.pop(article.slug).pk).delete()
            index.refresh_from_db()

    def reserve(self, index, article: Article) -> ArticlePage:
        """A page for a new article, unpublished and without revision until it is written."""
        page = ArticlePage(
            title=article.title,
            slug=article.slug,
            date=article.date,
            summary=article.summary,
            first_published_at=_publication_time(article.date),
            live=False,
            has_unpublished_changes=True,
        )
        index.add_child(instance=page)
        return page

    def write(self, article: Article) -> tuple[str, list[str]]:
        """Create or update the article's page. Returns what happened ('created', 'updated' or
        'unchanged') and the links to articles that could not be resolved."""
        is_new = article.slug in self.reserved or self.page_ids[article.slug] is None
        if is_new:
            page = base = self.reserved.get(article.slug)  # None in a dry run
        else:
            page = ArticlePage.objects.get(pk=self.page_ids[article.slug])
            base = page.get_latest_revision_as_object()

        draft = self.draft or article.draft
        hero_id = self.hero(article)
        body, unresolved = self.body(article)
        tags = self.tags(article.tags)
        fields = {
            "title": article.title,
            "slug": article.slug,
            "date": article.date,
            "summary": article.summary,
            "hero_image_id": hero_id,
            "first_published_at": _publication_time(article.date),
        }
        if not is_new:
            # CTA blocks are placed by editors in the admin, not written in Markdown: a
            # re-import keeps them where they were.
            placed_ctas = [
                (position, block)
                for position, block in enumerate(base.body.raw_data)
                if block["type"] == "cta"
            ]
            same = all(getattr(base, name) == value for name, value in fields.items())
            same = (
                same
                and _stream(base.body.raw_data, skip="cta") == _stream(body)
                and sorted(t.name.lower() for t in base.tags.all())
                == sorted(name.lower() for name in article.tags)
            )
            if same and (draft or (page.live and not page.has_unpublished_changes)):
                return "unchanged", unresolved
        outcome = "created" if is_new else "updated"
        if self.dry_run:
            return outcome, unresolved

        for name, value in fields.items():
            setattr(base, name, value)
        for position, block in [] if is_new else placed_ctas:
            body.insert(min(position, len(body)), block)
        base.body = body
        base.tags.set(tags)
        if is_new and draft:
            base.save()  # a page never published shows its latest content, as in the editor
        # Publishing saves the page, which validates it (Page.save runs full_clean); a draft is
        # validated here instead. Either way a page that does not validate is not written.
        revision = base.save_revision(log_action=not is_new, clean=draft)
        if is_new:
            log(instance=base, action="wagtail.create", revision=revision, content_changed=True)
        if not draft:
            revision.publish()
        self.written.objects.append(base)
        return outcome, unresolved

    # Body and links

    def body(self, article: Article) -> tuple[list[dict], list[str]]:
        """Raw StreamField data, with links to known articles made internal page links."""
        blocks: list[dict] = []
        unresolved: list[str] = []

        def link(match):
            url = html.unescape(match.group(1))
            slug = article_slug(url, self.origins)
            if slug is None:
                return match.group(0)
            if slug in self.page_ids:
                return f'<a linktype="page" id="{self.page_ids[slug] or 0}">'
            if url not in unresolved:
                unresolved.append(url)
            return match.group(0)

        for block in article.body:
            if isinstance(block, Section):
                blocks.append({"type": "section", "value": _LINK.sub(link, block.html)})
            elif isinstance(block, Quote):
                value = {"text": block.text, "attribution": block.attribution}
                blocks.append({"type": "quote", "value": value})
            elif isinstance(block, Code):
                value = {"language": block.language, "code": block.text}
                blocks.append({"type": "code", "value": value})
            elif isinstance(block, Footnotes):
                blocks.append({"type": "footnotes", "value": _LINK.sub(link, block.html)})
            elif isinstance(block, Table):
                value = {
                    "columns": [{"type": kind, "heading": text} for kind, text in block.columns],
                    "rows": [{"values": [_LINK.sub(link, v) for v in row]} for row in block.rows],
                    "caption": block.caption,
                }
                blocks.append({"type": "table", "value": value})
            else:
                image_id = self.media_image(
                    article,
                    block.src,
                    title=block.alt or PurePosixPath(urlsplit(block.src).path).stem,
                    description=block.alt or article.title,
                    hero=False,
                )
                if image_id is not None:
                    value = {"image": image_id, "alt_text": block.alt[:ALT_TEXT_MAX_LENGTH]}
                    blocks.append({"type": "image", "value": {**value, "caption": ""}})
        return blocks, unresolved

    # Images

    def hero(self, article: Article):
        description = article.image_alt or article.title
        if article.image:
            image_id = self.media_image(
                article, article.image, title=article.title, description=description, hero=True
            )
            if image_id is not None:
                return image_id
        return self.generated_hero(article, description)

    def media_image(self, article, src, *, title, description, hero):
        """The id of the Wagtail image for a file in the media folder, created at most once
        (files are matched by content hash); None when it is not there."""
        path = self.find_media(src)
        what = "hero image" if hero else "image"
        if path is None:
            if self.media_dir or not hero:
                where = "in the media folder" if self.media_dir else "(no media folder given)"
                left = "a generated hero is used" if hero else "left out"
                article.warnings.append(f"{what} {src} not found {where}; {left}")
            return None
        data = path.read_bytes()
        try:
            with PILImage.open(BytesIO(data)) as picture:
                size = picture.size
                picture.verify()
        except Exception:
            article.warnings.append(f"{what} {src} is not an image Pillow can read; left out")
            return None
        return self.image_for(data, name=path.name, size=size, title=title, description=description)

    def find_media(self, src) -> Path | None:
        if not self.media_dir or not src:
            return None
        parts = urlsplit(src)
        if parts.scheme not in {"", "http", "https", "file"}:
            return None
        relative = PurePosixPath(unquote(parts.path).lstrip("/"))
        if ".." in relative.parts or not relative.name:
            return None
        candidates = [relative, PurePosixPath(relative.name)]
        if relative.parts[0] == "media":
            candidates.insert(0, PurePosixPath(*relative.parts[1:]))
        for candidate in candidates:
            path = (self.media_dir / candidate).resolve()
            if path.is_file() and path.is_relative_to(self.media_dir):
                return path
        return None

    def preload_heroes(self):
        names = self.image_model.objects.filter(file__startswith=f"original_images/{HERO_PREFIX}")
        for pk, name in names.values_list("pk", "file").order_by("-pk"):
            # hero-<key>.png, or hero-<key>_<random>.png when storage had to rename it
            self.hero_ids[PurePosixPath(name).stem[len(HERO_PREFIX) :][:HERO_KEY_LENGTH]] = pk

    def prefetch_hero(self, article: Article):
        """Start rendering an upcoming article's hero on the other core (Pillow releases the
        GIL while it draws and encodes), so that it is ready when the article is written."""
        key = _hero_key(article.title)
        if self.dry_run or key in self.hero_ids or key in self.hero_futures:
            return
        if article.image and self.find_media(article.image):
            return
        self.hero_futures[key] = self.render(article.title)

    def render(self, title: str) -> Future:
        # Always on the renderer's one thread: Pillow's font objects are not thread-safe.
        return self.renderer.submit(render_hero, title, site_name=settings.WAGTAIL_SITE_NAME)

    def generated_hero(self, article: Article, description: str):
        """A generated hero, found again by its file name (a key of the design and title) so
        that a re-import renders nothing."""
        key = _hero_key(article.title)
        if key in self.hero_ids:
            return self.hero_ids[key]
        future = self.hero_futures.pop(key, None) or self.render(article.title)
        image_id = self.image_for(
            future.result(),
            name=f"{HERO_PREFIX}{key}.png",
            size=(HERO_WIDTH, HERO_HEIGHT),
            title=article.title,
            description=description,
        )
        if image_id is not _NEW:
            self.hero_ids[key] = image_id
            self.written.hero_keys.append(key)
        return image_id

    def image_for(self, data: bytes, *, name, size, title, description):
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        existing = self.image_model.objects.filter(file_hash=digest).order_by("pk").first()
        if existing is not None:
            if not existing.description and not self.dry_run:
                existing.description = description[:255]
                existing.save(update_fields=["description"])
            return existing.pk
        if self.dry_run:
            return _NEW
        image = self.image_model(
            title=title[:255],
            description=description[:255],
            file=ImageFile(BytesIO(data), name=name),
            width=size[0],  # known already: spares decoding the file to measure it
            height=size[1],
            file_size=len(data),
            file_hash=digest,
        )
        image.save()
        self.written.files.append(image.file.name)
        self.written.objects.append(image)
        return image.pk

    # Tags

    def preload_tags(self, articles):
        names = {name.lower() for article in articles for name in article.tags}
        tags = Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=names)
        # Newest first, so the oldest of case-variant duplicates wins, as in django-taggit.
        for tag in tags.order_by("-pk"):
            self.tag_cache[tag.lower_name] = tag

    def tags(self, names: list[str]) -> list[Tag]:
        tags = []
        for name in names:
            tag = self.tag_cache.get(name.lower())
            if tag is None:
                # SQL's LOWER() may only fold ASCII; ask the database's own comparison too.
                tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
            if tag is None and not self.dry_run:
                tag = Tag.objects.create(name=name)
                self.written.tags.append(name.lower())
            if tag is not None:
                self.tag_cache[name.lower()] = tag
                tags.append(tag)
        return tags


@dataclass
class _Written:
    """What one article's write created: what to forget if its transaction rolls back (cached
    tags and hero ids, stored files), and the objects whose references to index once done."""

    tags: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    hero_keys: list[str] = field(default_factory=list)
    objects: list = field(default_factory=list)


def _hero_key(title: str) -> str:
    """Names a generated hero after what it shows, so that a re-import finds it unrendered."""
    text = f"{DESIGN_VERSION}|{settings.WAGTAIL_SITE_NAME}|{title}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:HERO_KEY_LENGTH]


def _publication_time(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _stream(raw, skip: str = "") -> list:
    """Stream data without block ids (nor blocks of type `skip`), for comparing content."""
    return [(block["type"], block["value"]) for block in raw if block["type"] != skip]


def _message(exc: Exception) -> str:
    if isinstance(exc, ArticleError):
        return str(exc)
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    logger.exception("Import failed")
    return f"{type(exc).__name__}: {exc}"
