"""Public views that are not Wagtail pages: topics, search, robots.txt."""

import re

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from leads.models import CallToAction

from .models import ArticlePage, TopicDescription, paginate, tags_in_use
from .text import topic_title
from .urls import tag_url

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12
# Control characters (including NUL, which PostgreSQL rejects) and lone surrogates.
_UNSAFE_QUERY = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_WORD = re.compile(r"\w+")
TOPICS_CRUMBS = [("Home", "/"), ("Topics", "/tags/")]


def clean_query(raw: str) -> str:
    """What the visitor typed, made safe to show back: no control characters, bounded length."""
    return " ".join(_UNSAFE_QUERY.sub(" ", raw).split())[:MAX_QUERY_LENGTH]


def search_terms(query: str) -> str:
    """Plain lower-case words only.

    SQLite's FTS5 and PostgreSQL's tsquery each give meaning to quotes, `*`, `-`, `NEAR(` and
    upper-case AND/OR/NOT; passing a visitor's punctuation through would turn typos into syntax
    errors (a 500). Words are what readers search for.
    """
    return " ".join(_WORD.findall(query.lower())[:MAX_QUERY_TERMS])


@require_safe
def tag_index(request):
    return render(
        request,
        "pages/tag_index.html",
        {"tags": tags_in_use().select_related("description"), "crumbs": TOPICS_CRUMBS},
    )


def get_tag_or_404(slug):
    tag = tags_in_use().filter(slug=slug).first()
    if tag is None:
        raise Http404("No articles carry this topic.")
    return tag


@require_safe
def tag_archive(request, slug):
    tag = get_tag_or_404(slug)
    articles = paginate(ArticlePage.objects.listed(tag), request)
    name = topic_title(tag.name)
    return render(
        request,
        "pages/tag_archive.html",
        {
            "tag": tag,
            "topic_name": name,
            "description": TopicDescription.objects.filter(tag=tag).first(),
            "cta": CallToAction.objects.with_document().filter(topics__tag=tag).first(),
            "articles": articles,
            "crumbs": [*TOPICS_CRUMBS, (name, tag_url(tag.slug))],
        },
    )


@require_safe
def search(request):
    query = clean_query(request.GET.get("q", ""))
    results = None
    if terms := search_terms(query):
        results = paginate(ArticlePage.objects.listed().search(terms), request)
    # With no query or no results, the topics are the way on.
    topics = tags_in_use()[:12] if not results else []
    return render(
        request,
        "pages/search.html",
        {"query": query, "terms": terms, "results": results, "topics": topics},
    )


@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
