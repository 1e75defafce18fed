"""Progressive profiling: a person we know is not asked again what their contact already holds;
questions marked "ask returning people only" take the place of those, up to the CTA's limit.

We know a person who sent a form in this browser with its consent wording agreed to, or who
confirmed a subscription through the link in our email. Either sets two cookies:
`leadsite_known` (HttpOnly, signed: the contact's public reference, never an id or an address)
and `leadsite_known_js` ("1", for leads.js to know it should ask). Pages stay shared and
cached: the page's form asks the first-time questions, and leads.js swaps it for the person's
own form, fetched from /leads/cta/<id>/form/ (never cached). Without JavaScript a known person
gets the first-time form. The questions a person's form asks travel with it in a signed
`profile` token, so the submit view checks exactly those.
"""

from django.conf import settings
from django.core import signing

COOKIE = "leadsite_known"
HINT_COOKIE = "leadsite_known_js"
COOKIE_SALT = "leads.known"
PROFILE_SALT = "leads.profile"
MAX_AGE = 180 * 24 * 3600  # a person not seen for six months is asked again as new


def remember(response, contact) -> None:
    """Recognise this browser's person from now on (after a consented submission or a
    confirmed subscription)."""
    value = signing.Signer(salt=COOKIE_SALT).sign(str(contact.reference))
    secure = not settings.DEBUG
    response.set_cookie(
        COOKIE, value, max_age=MAX_AGE, httponly=True, secure=secure, samesite="Lax"
    )
    response.set_cookie(
        HINT_COOKIE, "1", max_age=MAX_AGE, httponly=False, secure=secure, samesite="Lax"
    )


def known_contact(request):
    """The contact this browser's cookie names, or None (no cookie, forged, or erased)."""
    from ..models import Contact

    value = request.COOKIES.get(COOKIE, "")
    if not value:
        return None
    try:
        reference = signing.Signer(salt=COOKIE_SALT).unsign(value)
    except signing.BadSignature:
        return None
    return Contact.objects.filter(reference=reference).first()


def known_properties(contact) -> set[str]:
    """The contact properties this contact has a value for."""
    from ..questions.properties import CONTACT_COLUMNS

    known = {key for key in CONTACT_COLUMNS if getattr(contact, key, "")}
    known |= {key for key, value in (contact.properties or {}).items() if value not in ("", [])}
    return known


def asked_of(questions, contact, limit: int) -> set[str]:
    """The names of the questions a known person's form asks: every question but those filling
    a property their contact has (the email is always asked: it says who is answering), with
    as many queued questions about what is not known yet as were left out, up to `limit`."""
    known = known_properties(contact)
    asked, skipped = set(), 0
    for question in questions.asked:
        if question.queued:
            continue
        if question.fills and question.fills != "email" and question.fills in known:
            skipped += 1
            continue
        asked.add(question.name)
    queued = [q for q in questions.asked if q.queued and not (q.fills and q.fills in known)]
    asked |= {q.name for q in queued[: min(skipped, limit)]}
    return asked


def profile_token(cta_id: int, asked) -> str:
    return signing.dumps([cta_id, sorted(asked)], salt=PROFILE_SALT, compress=True)


def read_profile_token(token: str, cta_id: int) -> set[str] | None:
    """The questions a posted profile token names; None without one, or for a forged or
    foreign one (the form then asks the first-time questions)."""
    if not token:
        return None
    try:
        signed_cta, names = signing.loads(token, salt=PROFILE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if signed_cta != cta_id or not isinstance(names, list):
        return None
    return {str(name) for name in names}
