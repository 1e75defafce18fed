"""Links to topic archives and feeds, percent-encoded whatever letters the topic uses, topic
names in title case, and search terms highlighted in results."""

from django import template
from django.utils.safestring import mark_safe

from blog import text
from blog.urls import tag_url

register = template.Library()


@register.filter
def topic_url(slug):
    return tag_url(slug)


@register.filter
def topic_feed_url(slug):
    return tag_url(slug, feed=True)


@register.filter
def topic_name(name):
    """'lead generation' -> 'Lead Generation' (blog/text.py, topic_title)."""
    return text.topic_title(str(name))


@register.filter
def highlight(value, terms):
    """The value escaped, with the search terms (a space-separated string) in <mark>."""
    return mark_safe(text.highlight(str(value), str(terms or "").split()))  # noqa: S308 - escaped
