"""Site navigation built from the page tree."""

from django import template
from django.db import DatabaseError

from ..models import ContentPage

register = template.Library()


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[tuple[str, str]]:
    """[(title, url)] of the live content pages editors chose to show in menus (About, Privacy
    policy), for the footer, ordered as in the page explorer. While the database is down the
    footer goes without them, so that pages rendered during an outage (the form that keeps a
    visitor's answers) still render."""
    request = context.get("request")
    try:
        pages = ContentPage.objects.live().public().in_menu().order_by("path")
        return [(page.title, page.get_url(request)) for page in pages.only("title", "url_path")]
    except DatabaseError:
        return []
