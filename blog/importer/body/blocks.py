"""The sanitised tree of a body → the blocks of ArticleBodyBlock, in order: text sections
(headings, paragraphs, lists, rules), figures, quotes, code, tables and footnotes."""

import re

from ..article import Block, Code, Footnotes, Quote, Section
from .footnotes import footnote_items, is_footnotes, note_content, number_footnotes
from .inline import FLATTENED, figure, inline, list_item, list_markup
from .nodes import BLOCK_TAGS, HEADING_TAGS, Findings, Node, descendants, plain, quoted
from .tables import table_block

ATTRIBUTION_MAX_LENGTH = 200  # QuoteBlock.attribution
CODE_LANGUAGE_MAX_LENGTH = 40  # CodeBlock.language
# Tags a quote block cannot hold without losing content (an error; formatting it only
# flattens is in FLATTENED, a warning).
_QUOTE_LOSES = {
    "a": "a link",
    "img": "an image",
    "pre": "a code block",
    "table": "a table",
    "sup": "a footnote reference",
}
_ATTRIBUTION = re.compile(r"^\s*(?:--|\u2014|\u2013|-)\s*(\S.*)$")  # --, em or en dash, -
_CODE_LANGUAGE = re.compile(r"[\w+#.-]+")


class BodyBlocks:
    """Builds the blocks of one body; inline content is gathered into text sections, which
    every other block closes."""

    def __init__(self, found: Findings):
        self.found = found
        self.blocks: list[Block] = []
        self.section: list[str] = []
        self.first_paragraph = ""

    def build(self, nodes) -> tuple[list[Block], str]:
        """The blocks, and the plain text of the first paragraph."""
        for note in [n for n in nodes if isinstance(n, Node) and is_footnotes(n)]:
            number_footnotes(note, self.found)
        self.blocks_of(nodes)
        self.flush()
        return self.blocks, self.first_paragraph

    def blocks_of(self, nodes):
        loose: list[Node | str] = []  # inline content outside any block, from raw HTML
        for node in [*nodes, None]:
            if node is not None and (isinstance(node, str) or node.tag not in BLOCK_TAGS):
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

    def add(self, block: Block | None):
        if block is not None:
            self.flush()
            self.blocks.append(block)

    def figures(self, figures):
        if figures:
            self.flush()
            self.blocks.extend(figures)

    def paragraph(self, nodes):
        markup, figures = inline(nodes, self.found)
        if markup:
            self.section.append(f"<p>{markup}</p>")
            if not self.first_paragraph:
                self.first_paragraph = plain(nodes)
        self.figures(figures)

    def block(self, node: Node):
        tag = node.tag
        if tag in {"p", "li"}:
            self.paragraph(node.children)
        elif tag in HEADING_TAGS:
            level = 2 if tag in {"h1", "h2"} else 3
            markup, figures = inline(node.children, self.found, where="heading")
            if markup:
                self.section.append(f"<h{level}>{markup}</h{level}>")
            self.figures(figures)
        elif tag in {"ul", "ol"}:
            markup, figures = list_markup(node, self.found)
            if markup:
                self.section.append(markup)
            self.figures(figures)
        elif tag == "hr":
            self.section.append("<hr/>")
        elif tag == "img":
            self.figures(figure(node))
        elif tag == "pre":
            self.add(self.code(node))
        elif tag == "blockquote":
            self.add(self.quote(node))
        elif tag == "table":
            self.add(table_block(node, self.found))
        elif is_footnotes(node):
            self.add(self.footnotes(node))
        else:  # a raw <div>: its content, block by block
            self.blocks_of(node.children)

    def code(self, node: Node) -> Code | None:
        """A code block, exactly as written (indentation and blank lines inside it kept)."""
        text = plain(node.children, keep_lines=True).strip("\n")
        if not text.strip():
            return None
        language = ""
        for child in node.children:
            if isinstance(child, Node) and child.tag == "code":
                classes = child.attrs.get("class", "").split()
                names = [c.removeprefix("language-") for c in classes if c.startswith("language-")]
                language = names[0] if names else ""
        if not _CODE_LANGUAGE.fullmatch(language) or len(language) > CODE_LANGUAGE_MAX_LENGTH:
            language = ""
        return Code(language, text)

    def quote(self, node: Node) -> Quote | None:
        """A quote block: plain text (the quote template shows one paragraph), and a last line
        starting with a dash as the attribution."""
        snippet = quoted(plain(node.children))
        lost = {n.tag for n in descendants(node) if n.tag in _QUOTE_LOSES}
        if lost:
            what = ", ".join(sorted({_QUOTE_LOSES[tag] for tag in lost}))
            self.found.error(
                f"a quote holds plain text, and this one has {what} ({snippet}); "
                "move them out of the quote"
            )
        text = plain(node.children, keep_lines=True)
        lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
        attribution = ""
        if len(lines) > 1 and (match := _ATTRIBUTION.match(lines[-1])):
            attribution = match.group(1)[:ATTRIBUTION_MAX_LENGTH]
            lines = lines[:-1]
        paragraphs = sum(1 for n in node.children if isinstance(n, Node) and n.tag == "p")
        flattened = {FLATTENED[n.tag] for n in descendants(node) if n.tag in FLATTENED}
        if paragraphs - bool(attribution) > 1:
            flattened.add("paragraph breaks")
        if flattened:
            self.found.warn(
                f"quote {snippet}: {', '.join(sorted(flattened))} not kept "
                "(a quote block holds one paragraph of plain text)"
            )
        return Quote(" ".join(lines), attribution) if lines else None

    def footnotes(self, node: Node) -> Footnotes | None:
        """The notes, as a numbered list (item n is footnote n), without Markdown's links back
        to the text."""
        items = []
        for item in footnote_items(node):
            markup, figures = list_item(note_content(item), self.found, where="footnote")
            if figures:
                snippet = quoted(markup)
                self.found.error(f"an image inside a footnote cannot be imported ({snippet})")
            items.append(f"<li>{markup}</li>")
        return Footnotes(f"<ol>{''.join(items)}</ol>") if items else None
