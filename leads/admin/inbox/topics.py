"""Articles and their topics, as the inbox filters see them, without importing the blog.

An article is a page of a type that carries tags: its tags go through a taggit through model
(a `TaggedItemBase` whose `content_object` is a Wagtail page, e.g. blog's ArticlePageTag).
Those through models are found once from taggit's `Tag`, so any page type that gets topics is
filtered by them too, and leads depends on Wagtail and taggit, not on the blog app.
"""

import operator
from functools import cache, reduce

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from taggit.models import Tag, TaggedItemBase
from wagtail.models import Page


@cache
def page_tag_models() -> tuple[type[TaggedItemBase], ...]:
    """The through models that tag Wagtail pages (blog's ArticlePageTag)."""
    found = []
    for relation in Tag._meta.related_objects:
        model = relation.related_model
        if not issubclass(model, TaggedItemBase) or relation.field.name != "tag":
            continue
        try:
            target = model._meta.get_field("content_object").related_model
        except FieldDoesNotExist:
            continue
        if isinstance(target, type) and issubclass(target, Page):
            found.append(model)
    return tuple(found)


def tagged_pages() -> QuerySet:
    """Pages of every type that carries topics (articles)."""
    types = [model._meta.get_field("content_object").related_model for model in page_tag_models()]
    return Page.objects.type(*types) if types else Page.objects.none()


def topics_in_use() -> QuerySet:
    """Tags that at least one page carries, by name."""
    carried = [
        Q(**{f"{model._meta.get_field('tag').related_query_name()}__isnull": False})
        for model in page_tag_models()
    ]
    if not carried:
        return Tag.objects.none()
    return Tag.objects.filter(reduce(operator.or_, carried)).distinct().order_by("name")


def page_ids_tagged(slug: str) -> QuerySet:
    """The ids of the pages tagged `slug`, as a subquery."""
    queries = [
        model.objects.filter(tag__slug=slug).values("content_object_id")
        for model in page_tag_models()
    ]
    if len(queries) == 1:
        return queries[0]
    tagged = [Q(pk__in=query) for query in queries]
    return Page.objects.filter(reduce(operator.or_, tagged, Q(pk__in=[]))).values("pk")
