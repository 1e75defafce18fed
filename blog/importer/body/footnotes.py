"""Markdown's footnotes in the sanitised tree: recognising the notes, numbering them, and the
references to them in the text (rendered as the editor's superscript links to #footnote-n)."""

from .nodes import Findings, Node, has_class


def is_footnotes(node: Node) -> bool:
    """Markdown's footnotes: <div class="footnote"><hr><ol><li id="fn:…">. A raw <div> that
    only borrows the class is read as the blocks inside it."""
    return (
        node.tag == "div"
        and has_class(node, "footnote")
        and all(
            (isinstance(child, str) and not child.strip())
            or (isinstance(child, Node) and child.tag in {"hr", "ol"})
            for child in node.children
        )
    )


def footnote_items(node: Node) -> list[Node]:
    return [
        item
        for ol in node.children
        if isinstance(ol, Node) and ol.tag == "ol"
        for item in ol.children
        if isinstance(item, Node) and item.tag == "li"
    ]


def number_footnotes(node: Node, found: Findings):
    """Number the notes in order, so that references anywhere in the body can name them."""
    for item in footnote_items(node):
        number = len(found.footnotes) + 1
        found.footnotes[f"#{item.attrs.get('id', '')}"] = number


def footnote_ref(node: Node, found: Findings) -> int | None:
    """The number of the footnote a Markdown footnote reference <sup> points to."""
    for child in node.children:
        if isinstance(child, Node) and has_class(child, "footnote-ref"):
            return found.footnotes.get(child.attrs.get("href", ""))
    return None


def note_content(item: Node) -> list:
    """A note's content without Markdown's ↩ links back to the text, nor rules."""
    return [
        child
        for child in _without_backlinks(item.children)
        if not (isinstance(child, Node) and child.tag == "hr")
    ]


def _without_backlinks(nodes) -> list:
    """A footnote's content without Markdown's ↩ links and the no-break space before them."""
    kept = []
    for node in nodes:
        if isinstance(node, Node) and has_class(node, "footnote-backref"):
            if kept and isinstance(kept[-1], str):
                kept[-1] = kept[-1].rstrip("\xa0")
            continue
        if isinstance(node, Node):
            node = Node(node.tag, node.attrs, _without_backlinks(node.children))
        kept.append(node)
    return kept
