"""One mailbox, one identity: the address forms under which a person is recognised.

Django's mail code and validators IDNA-encode the domain (`django.utils.encoding.punycode`,
the `idna` codec: NFKC, case folding, soft hyphens and zero-width characters mapped to
nothing), so `bomb@rl-test.com` with a full-width "r" (U+FF52), with a soft hyphen (U+00AD)
or a zero-width space in the domain, and `BOMB@rl-test.com` all reach the same mailbox. They
must be the same contact, count against the same rate limits and confirmation limit, and be
found and erased together.

- `tidy_email()` is the address as given, made readable: what a submission keeps (the local
  part's case is kept, as the person typed it).
- `normalise_email()` is the identity: what contacts are unique on, and what dedup, rate
  limits, privacy find/erase and exports compare. The local part is lower-cased too: RFC 5321
  lets a server tell `Ana` from `ana`, but no mail provider in use does, contacts have always
  been unique on the lower-case address (a database constraint), and a privacy request
  written `Ana@…` must find what `ana@…` sent.

Both return text unchanged where it is not an address, so that the email validator still
refuses it with its usual message.
"""

import unicodedata

# Characters that render as nothing: format characters (Unicode category Cf: soft hyphen,
# zero-width space and joiners, word joiner, byte order mark, bidi marks) and the other
# characters IDNA's nameprep maps to nothing (RFC 3454, table B.1): combining grapheme joiner,
# Mongolian todo soft hyphen and free variation selectors, variation selectors.
NAMEPREP_NOTHING = frozenset("\u034f\u1806\u180b\u180c\u180d") | frozenset(
    map(chr, range(0xFE00, 0xFE10))
)


def visible(text: str) -> str:
    """`text` without the characters that render as nothing."""
    return "".join(
        char for char in text if char not in NAMEPREP_NOTHING and unicodedata.category(char) != "Cf"
    )


def ascii_domain(domain: str) -> str:
    """The domain as Django sends to it (IDNA: an ASCII domain is kept as written, others are
    case-folded and punycoded), or unchanged if it is not one."""
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def tidy_email(email: str) -> str:
    """The address as given, without compatibility forms (full-width letters) or invisible
    characters, with its domain IDNA-encoded: `Ana@Bücher.example` → `Ana@xn--bcher-kva.example`.
    """
    email = visible(unicodedata.normalize("NFKC", email or "")).strip()
    local, at, domain = email.rpartition("@")
    if not (local and at and domain):
        return email
    return f"{local}@{ascii_domain(domain)}"


def normalise_email(email: str) -> str:
    """One mailbox, one contact: the tidy address in lower case (see the module docstring)."""
    return tidy_email(email).lower()
