"""Links to topic archives and feeds, percent-encoded whatever letters the topic uses."""

from django import template

from blog.urls import tag_url

register = template.Library()


@register.filter
def topic_url(slug):
    return tag_url(slug)


@register.filter
def topic_feed_url(slug):
    return tag_url(slug, feed=True)
