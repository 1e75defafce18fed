"""Template tags for visitors' pages: render a call to action with its form (`{% cta %}`) and
pick a kind's wording fragment (`kind_fragment`, templates/leads/kinds/)."""

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
