"""Inline content → rich text in Wagtail's database format (b, i, code, sup, a, br, lists).

Images found inline are lifted out as figures; blocks that cannot stand inside a paragraph,
a heading, a list item, a table cell or a footnote (a code block, a table) are errors.
"""

import html
import re

from ...text import FOOTNOTE_ID
from ..article import Figure
from .footnotes import footnote_ref, is_footnotes
from .nodes import HEADING_TAGS, Findings, Node, plain, quoted

# Formatting that a place holding plain text (a quote, a heading inside a paragraph…) keeps
# only as text, by tag.
FLATTENED = {
    **dict.fromkeys(("strong", "b"), "bold"),
    **dict.fromkeys(("em", "i"), "italic"),
    "code": "code formatting",
    **dict.fromkeys(("ul", "ol"), "a list"),
    **dict.fromkeys(HEADING_TAGS, "a heading"),
    "blockquote": "a nested quote",
    "br": "line breaks",
    "hr": "a horizontal rule",
}
_SPACES = re.compile(r"[ \t\r\n]+")  # not \s: a non-breaking space is meant


def inline(nodes, found: Findings, where: str = "paragraph") -> tuple[str, list[Figure]]:
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
            figures.extend(figure(node))
        elif tag == "br":
            out.append("<br/>")
        elif tag == "sup" and (ref := footnote_ref(node, found)):
            # The rich text editor's own form of a superscript link, so that saving the page
            # in the editor changes nothing.
            out.append(f'<a href="#{FOOTNOTE_ID.format(ref)}"><sup>{ref}</sup></a>')
        elif tag == "code":
            text = html.escape(_SPACES.sub(" ", plain(node.children, keep_lines=True)))
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
            markup, nested = list_markup(node, found)
            out.append(markup)
            figures.extend(nested)
        elif tag in {"pre", "table"} or is_footnotes(node):
            what = "a code block" if tag == "pre" else "a table"
            found.error(
                f"{what} inside a {where} cannot be imported ({quoted(plain([node]))}); "
                "give it a paragraph of its own"
            )
        else:  # a without a (safe) href, stray block content: keep the text
            if tag == "a":
                found.warn(
                    f"link {quoted(plain([node]))} kept as text: only http, https, mailto and "
                    "tel addresses are kept"
                )
            elif tag in FLATTENED and tag not in {"strong", "b", "em", "i", "code", "br"}:
                found.warn(
                    f"{FLATTENED[tag]} inside a {where} is kept as plain text "
                    f"({quoted(plain([node]))})"
                )
            for child in node.children:
                walk(child)

    for node in nodes:
        walk(node)
    # Removed elements leave the spaces that surrounded them side by side.
    markup = re.sub(" {2,}", " ", "".join(out)).strip()
    return markup, figures


def list_markup(node: Node, found: Findings, where: str = "list item") -> tuple[str, list[Figure]]:
    """A <ul> or <ol> in database format, and the images lifted out of its items."""
    items: list[str] = []
    figures: list[Figure] = []
    for item in node.children:
        if isinstance(item, Node) and item.tag == "li":
            markup, found_figures = list_item(item.children, found, where=where)
            items.append(f"<li>{markup}</li>")
            figures.extend(found_figures)
    markup = f"<{node.tag}>{''.join(items)}</{node.tag}>" if items else ""
    return markup, figures


def list_item(children, found: Findings, where: str = "list item") -> tuple[str, list[Figure]]:
    """A list item's content. Loose lists wrap each item's text in <p>, but the editor expects
    inline content in <li>: paragraphs are joined with line breaks, nested lists follow."""
    parts: list[str] = []
    figures: list[Figure] = []
    run: list[Node | str] = []

    def take(converted):
        parts.append(converted[0])
        figures.extend(converted[1])

    for child in children:
        if isinstance(child, Node) and child.tag in {"p", "ul", "ol"}:
            take(inline(run, found, where))
            run = []
            if child.tag == "p":
                if _is_unparsed_fence(child):
                    found.error(
                        f"a code block inside a {where} cannot be imported "
                        f"({quoted(plain([child]))}); end the list before the code"
                    )
                take(inline(child.children, found, where))
            else:
                take(list_markup(child, found, where))
        else:
            run.append(child)
    take(inline(run, found, where))
    markup = ""
    for part in filter(None, parts):
        nested_list = part.startswith(("<ul>", "<ol>"))
        markup += ("<br/>" if markup and not nested_list else "") + part
    return markup, figures


def figure(node: Node) -> list[Figure]:
    """An <img> as a figure ([] when it has no source)."""
    src = node.attrs.get("src", "").strip()
    return [Figure(src, " ".join(node.attrs.get("alt", "").split()))] if src else []


def _is_unparsed_fence(paragraph: Node) -> bool:
    """Whether a paragraph is a ``` block that Markdown read as inline code: fenced code is
    only recognised outside lists, so inside one it comes out as a code span of several lines."""
    content = [n for n in paragraph.children if not (isinstance(n, str) and not n.strip())]
    return (
        len(content) == 1
        and isinstance(content[0], Node)
        and content[0].tag == "code"
        and "\n" in plain(content[0].children, keep_lines=True).strip()
    )
