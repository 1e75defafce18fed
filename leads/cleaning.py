"""The one cleaning step every stored text of a lead goes through.

Visitors send the answers, the browser sends the page addresses (Referer, and the first touch
that leads.js keeps in sessionStorage), and the UTM values are percent-decoded out of those
addresses. Whatever arrives, what is stored is text PostgreSQL accepts (no NUL: neither `text`
nor `jsonb` can hold one), that reads the same in the admin, mail and exports, and that cannot
turn a lead into a 500:

- `clean_text()`: control characters and lone surrogates removed (line breaks and tabs kept
  where the text may have them, e.g. a message);
- `clip_url()`: an attribution address kept only if it is a well-formed http(s) URL, without
  control characters, percent-encoded ones included, cut to what we store;
- `clean_stored()`: `clean_text()` through a whole JSON value; `submission_capture` applies it
  to the answers and the attribution before anything is written.

The forms refuse control characters in what a person types, with a message (they are header
injection attempts or paste accidents); this step is the guarantee for everything else.
"""

import re
from urllib.parse import urlsplit

# Anything below U+0020 but tab and line breaks (the latter only in the message), DEL, C1
# controls, and the Unicode line/paragraph separators that some mail clients treat as breaks.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
LINE_BREAK = re.compile(r"[\r\n\t]")
# Lone surrogates: not text at all (UTF-8 cannot encode them; PostgreSQL refuses them).
SURROGATE = re.compile("[\ud800-\udfff]")
# Embeddings, overrides and isolates: they reorder what follows them on screen, so a name can
# read differently from what it is ("Trojan Source"). Right-to-left text never needs them.
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# The same controls percent-encoded in a URL (UTF-8 for C1 and U+2028/U+2029): they come back
# as soon as the URL or its query is decoded (UTM values are).
ENCODED_CONTROL = re.compile(
    r"%(?:[01][0-9a-f]|7f|c2%[89][0-9a-f]|e2%80%a[89])", flags=re.IGNORECASE
)
ATTRIBUTION_MAX = 500


def clean_text(value: str, *, line_breaks: bool = True) -> str:
    """`value` without control characters or lone surrogates; with `line_breaks=False`, also
    without tabs and line breaks (one-line values such as UTM parameters)."""
    value = CONTROL.sub("", SURROGATE.sub("", value))
    return value if line_breaks else LINE_BREAK.sub("", value)


def is_one_line(value: str) -> bool:
    """True if `value` holds no control character, tab or line break (Unicode's line and
    paragraph separators included): what one-line text typed by a person may not hold."""
    return not (CONTROL.search(value) or LINE_BREAK.search(value))


def one_line(value) -> str:
    """`value` as one header-safe line: control characters, tabs and line breaks become spaces,
    runs of spaces one. For email subjects built from stored text, including snapshots saved
    before CTA texts were checked (`validators.validate_one_line`)."""
    text = LINE_BREAK.sub(" ", CONTROL.sub(" ", str(value)))
    return " ".join(text.split())


def clean_line(value: str) -> str:
    """A one-line value a person reads (UTM values, as shown in reports): no controls, no bidi
    overrides, no surrounding spaces."""
    return BIDI_CONTROL.sub("", clean_text(value, line_breaks=False)).strip()


def clip_url(value: str) -> str:
    """Attribution URLs come from the browser: keep well-formed http(s) ones, without control
    characters (encoded or not), cut to what we store; anything else becomes ""."""
    value = ENCODED_CONTROL.sub("", clean_text(value or "", line_breaks=False)).strip()
    value = value[:ATTRIBUTION_MAX]
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:  # e.g. "http://[" or "http://[::1": an unclosed IPv6 bracket
        return ""
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    return value


def clean_stored(value):
    """`clean_text()` applied to every string in a JSON-like value (dicts, lists), keys too."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_stored(key): clean_stored(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_stored(item) for item in value]
    return value
