"""Template tags for visitors' pages: render a call to action with its form (`{% cta %}`) and
pick a kind's wording fragment (`kind_fragment`, templates/leads/kinds/)."""

import re
from functools import lru_cache

from django import template
from django.template.loader import render_to_string

from leads import consent, kinds
from leads.capture.forms import form_for

register = template.Library()


@register.simple_tag(takes_context=True)
def lead_form(context, cta, page=None, form=None):
    """The CTA's form: a fresh one (new render token) unless one with errors is given."""
    form = form or form_for(cta, page=page)
    return render_to_string(
        "leads/form.html", {"cta": cta, "form": form}, getattr(context, "request", None)
    )


@register.simple_tag(takes_context=True)
def cta_box(context, cta, page=None):
    """A call to action, for the page being rendered (recorded with each submission)."""
    if cta is None:
        return ""
    return render_to_string(
        "leads/cta.html",
        {"cta": cta, "page": page, "form": None},
        getattr(context, "request", None),
    )


@register.filter
def kind_fragment(kind: str, name: str) -> list[str]:
    """`{% include cta.kind|kind_fragment:"detail.html" %}`: the kind's own fragment, else the
    default (leads/kinds.py, FRAGMENTS)."""
    return kinds.fragment(kind, name)


@register.filter
def consent_html(text: str):
    """Consent wording with its links (leads/consent.py)."""
    return consent.consent_html(text)


@register.filter
def page_count(document) -> int | None:
    """The number of pages of a PDF document (`{{ cta.document|page_count }}`), for the offer's
    facts; None for other files or an unreadable one. Read once per file name and process."""
    if document is None or document.file_extension.lower() != "pdf":
        return None
    return _pdf_pages(document.file.name, document.file_size)


@lru_cache(maxsize=64)
def _pdf_pages(name: str, size: int | None) -> int | None:
    from wagtail.documents import get_document_model

    document = get_document_model().objects.filter(file=name).first()
    try:
        with document.file.open("rb") as file:
            data = file.read(20_000_000)
    except (AttributeError, OSError):
        return None
    # Page objects are "/Type /Page" followed by anything but "s" ("/Pages" is the tree).
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)) or None


THANKS = re.compile(r"^\s*(thank you|thanks)( so much| very much)?\s*[!.]+\s*", re.IGNORECASE)


@register.filter
def without_thanks(message: str) -> str:
    """A thank-you message without its opening "Thank you!" (`{{ message|without_thanks }}`):
    the heading above it says thank you, and a page says it once."""
    rest = THANKS.sub("", message or "", count=1)
    return rest[:1].upper() + rest[1:]
