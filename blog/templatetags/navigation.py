"""Site navigation built from the page tree."""

from django import template

from ..models import ContentPage

register = template.Library()


@register.simple_tag
def footer_pages():
    """The live content pages editors chose to show in menus (About, Privacy policy), for the
    footer: one query, ordered as in the page explorer."""
    return ContentPage.objects.live().public().in_menu().order_by("path").only("title", "url_path")
