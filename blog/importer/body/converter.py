"""Markdown → sanitised HTML → blocks: the MarkdownConverter, and what sanitising keeps.

Markdown renders the body, nh3 removes whatever the blocks must not hold, and body.py cuts
the rest into blocks. Nothing is dropped without a word: what is lost refuses the file, what
is simplified is a warning.
"""

from html.parser import HTMLParser

import markdown
import nh3
from markdown.extensions.tables import TableExtension

from ..article import ArticleError, Block
from .blocks import BodyBlocks
from .nodes import Findings, TreeBuilder, quoted

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

    def convert(self, text: str) -> tuple[list[Block], str, list[str]]:
        """The body blocks, the plain text of the first paragraph, and the warnings."""
        self._markdown.reset()
        self._tables.overflow = []
        rendered = self._markdown.convert(text)
        found = Findings()
        for row in self._tables.overflow:
            found.error(
                f"a table row has more cells than the table has columns ({quoted(row)}); "
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
        builder = TreeBuilder()
        builder.feed(clean)
        builder.close()
        blocks, first_paragraph = BodyBlocks(found).build(builder.root.children)
        if found.errors:
            raise ArticleError("; ".join(found.errors))
        return blocks, first_paragraph, found.warnings


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
