"""Tags for the <head>: canonical URLs and JSON-LD structured data."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """`path` (or the current path) as an absolute URL on the host the visitor asked for."""
    request = context["request"]
    return request.build_absolute_uri(path if path is not None else request.path)


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> that no value inside can break out of."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag(takes_context=True)
def breadcrumb_ld(context, crumbs):
    """schema.org BreadcrumbList for a list of (name, path) pairs."""
    request = context["request"]
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": name,
                    "item": request.build_absolute_uri(path),
                }
                for position, (name, path) in enumerate(crumbs, start=1)
            ],
        }
    )


@register.simple_tag(takes_context=True)
def article_ld(context, article, image_url=""):
    """schema.org BlogPosting for an article page."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title[:110],
        "description": article.get_meta_description(),
        "datePublished": article.date.isoformat(),
        "mainEntityOfPage": request.build_absolute_uri(article.url),
        "keywords": [tag.name for tag in article.tag_list],
        "publisher": {"@type": "Organization", "name": context.get("SITE_NAME", "LeadSite")},
    }
    if article.last_published_at:
        data["dateModified"] = article.last_published_at.isoformat()
    if image_url:
        data["image"] = request.build_absolute_uri(image_url)
    return json_ld(data)
