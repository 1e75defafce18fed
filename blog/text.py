"""Derived text of an article: heading anchors, table of contents, reading time."""

import html
import re
from dataclasses import dataclass

from django.utils.text import slugify

WORDS_PER_MINUTE = 230

_HEADING = re.compile(r"<h([23])([^>]*)>(.*?)</h\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ID_ATTR = re.compile(r'\sid="[^"]*"')


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


def plain_text(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


def anchor_headings(markup: str) -> tuple[str, list[Heading]]:
    """Give every h2/h3 a unique, readable id and return the headings for a table of contents.

    The markup is the rendered (already sanitised) body, so a regular expression over our own
    output is enough and far cheaper per request than a full HTML parser.
    """
    headings: list[Heading] = []
    used: set[str] = set()

    def replace(match: re.Match) -> str:
        level, attrs, inner = int(match.group(1)), match.group(2), match.group(3)
        if _ID_ATTR.search(attrs):
            # A component's own heading (a CTA box is labelled by its id): not a section of
            # the article, and its id must survive. Authored headings never carry an id.
            return match.group(0)
        text = " ".join(plain_text(inner).split())
        base = slugify(text)[:60].strip("-") or "section"
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        headings.append(Heading(level=level, text=text, anchor=anchor))
        return f'<h{level}{attrs} id="{anchor}">{inner}</h{level}>'

    return _HEADING.sub(replace, markup), headings


def reading_minutes(markup: str) -> int:
    words = len(plain_text(markup).split())
    return max(1, round(words / WORDS_PER_MINUTE))
