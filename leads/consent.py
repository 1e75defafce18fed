"""Consent wording as shown beside a form: plain text, with `[words](/path/)` links.

The ledger (`ConsentText`) stores the wording exactly as the editor wrote it, link markup and
all, so a submission records the words and the page they pointed to. Only links to this site
(a path starting with one `/`) or to an `https://` address become links; anything else, and
every other character, is shown as typed, escaped.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\[\]\n]{1,80})\]\(((?:/(?!/)|https://)[^\s()<>\"']{0,200})\)")


def consent_html(text: str) -> SafeString:
    """The wording, escaped, with its `[words](/path/)` links as <a> elements."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(format_html('<a href="{}">{}</a>', match.group(2), match.group(1)))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def consent_plain(text: str) -> str:
    """The wording as a reader saw it, without link markup: '[privacy policy](/p/)' -> words."""
    return _LINK.sub(r"\1", text)
