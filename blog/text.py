"""Derived text of an article: heading anchors, table of contents, reading time."""

import html
import re
from dataclasses import dataclass

from django.utils.text import slugify

WORDS_PER_MINUTE = 230

_HEADING = re.compile(r"<h([23])([^>]*)>(.*?)</h\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ID_ATTR = re.compile(r'\sid="[^"]*"')
_LIST_TAG = re.compile(r"<(/?)(ol|ul|li)\b([^>]*)>", re.IGNORECASE)
FOOTNOTE_ID = "footnote-{}"


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


def number_footnotes(markup: str) -> str:
    """Give the n-th item of the first numbered list the id `footnote-n` (nested lists aside),
    so that a reference `<sup><a href="#footnote-n">n</a></sup>` in the text lands on it.

    The markup is rich text rendered by Wagtail, whose lists carry no attributes of their own.
    """
    depth, number, in_notes = 0, 0, False

    def replace(match: re.Match) -> str:
        nonlocal depth, number, in_notes
        closing, tag = match.group(1), match.group(2).lower()
        if tag in {"ol", "ul"}:
            if not closing and depth == 0 and tag == "ol" and number == 0:
                in_notes = True
            depth += -1 if closing else 1
            if closing and depth == 0:
                in_notes = False
            return match.group(0)
        if closing or depth != 1 or not in_notes:
            return match.group(0)
        number += 1
        return f'<li{match.group(3)} id="{FOOTNOTE_ID.format(number)}">'

    return _LIST_TAG.sub(replace, markup)


def reading_minutes(markup: str) -> int:
    words = len(plain_text(markup).split())
    return max(1, round(words / WORDS_PER_MINUTE))


# Words a topic name keeps in capitals however it was typed (topics are often typed lower-case).
ACRONYMS = {"b2b", "b2c", "crm", "utm", "seo", "roi", "api", "pdf", "saas", "kpi", "cta", "gdpr"}
# Short words that stay lower-case inside a title ("Lead Scoring for Sales").
MINOR_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs"}
_TOPIC_WORD = re.compile(r"[^\s\-/]+|[\s\-/]+")


def topic_title(name: str) -> str:
    """A topic's display name in title case: 'lead generation' -> 'Lead Generation'.

    Known acronyms become capitals ('b2b sales' -> 'B2B Sales'); a word the editor already
    wrote with a capital after its first letter ('HubSpot', 'eBook') is left as typed.
    """
    parts = _TOPIC_WORD.findall(name.strip())
    words = [i for i, part in enumerate(parts) if not part.isspace() and part not in "-/"]
    result = []
    for i, part in enumerate(parts):
        lower = part.lower()
        if i not in words:
            result.append(part)
        elif lower in ACRONYMS:
            result.append(part.upper())
        elif any(char.isupper() for char in part[1:]):
            result.append(part)
        elif lower in MINOR_WORDS and i not in (words[0], words[-1]):
            result.append(lower)
        else:
            result.append(part[:1].upper() + part[1:])
    return "".join(result)


def highlight(text: str, terms: list[str]) -> str:
    """`text`, HTML-escaped, with each occurrence of a search term wrapped in <mark>.

    Escaping first and matching on the escaped text would let a term such as 'amp' mark the
    inside of an entity; so the text is split on the matches, and each piece escaped.
    """
    terms = sorted({term for term in terms if term}, key=len, reverse=True)
    if not terms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
