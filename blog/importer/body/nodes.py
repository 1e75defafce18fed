"""The sanitised HTML of a body as a small element tree, the helpers that read it, and the
Findings a conversion collects on the way (errors refuse a file, warnings go with it)."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SNIPPET_LENGTH = 40

HEADING_TAGS = {f"h{level}" for level in range(1, 7)}
BLOCK_TAGS = {
    *HEADING_TAGS,
    *("p", "ul", "ol", "li", "blockquote", "pre", "hr", "img", "table", "div"),
}
_VOID_TAGS = {"br", "hr", "img"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list["Node | str"] = field(default_factory=list)


class TreeBuilder(HTMLParser):
    """A small element tree of nh3's output (which is well-formed, so no repair is needed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


class Findings:
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


def has_class(node: Node, name: str) -> bool:
    return name in node.attrs.get("class", "").split()


def descendants(node: Node):
    for child in node.children:
        if isinstance(child, Node):
            yield child
            yield from descendants(child)


def plain(nodes, keep_lines=False) -> str:
    """The text of nodes, without footnote numbers; on one line unless keep_lines."""
    texts: list[str] = []

    def walk(node):
        if isinstance(node, str):
            texts.append(node)
        elif has_class(node, "footnote-ref"):
            return  # a footnote's number, not words of the text
        elif node.tag == "br":
            texts.append("\n")
        else:
            for child in node.children:
                walk(child)
            if node.tag in BLOCK_TAGS:
                texts.append("\n")

    for node in nodes:
        walk(node)
    text = "".join(texts)
    if keep_lines:
        return text
    return " ".join(text.split())


def quoted(text: str) -> str:
    """The start of a text, quoted, for naming a place of the body in a message."""
    text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    if len(text) > SNIPPET_LENGTH:
        text = text[: SNIPPET_LENGTH - 1].rstrip() + "…"
    return f"'{text}'"
