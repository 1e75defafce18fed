"""Fixtures of the demo app's tests."""

import pytest
from django.contrib.auth.models import Group

from demo.ctas import ensure_demo_ctas
from tests.factories import make_article


@pytest.fixture
def demo_site(article_index, django_user_model):
    """A small demo site: articles carrying each demo CTA, and the demo `sales` user."""
    for slug in ("quote-request-forms-sales-love", "webinar-funnels", "lead-generation"):
        make_article(article_index, slug.replace("-", " ").title(), slug=slug)
    make_article(
        article_index,
        "Lead scoring without data science",
        slug="lead-scoring-without-data-science",
    )
    make_article(article_index, "On topic", tags=["lead generation"])
    ctas = ensure_demo_ctas()
    sales = django_user_model.objects.create_user("sales", "sales@example.com", "pw")
    sales.groups.add(Group.objects.get(name="Sales"))
    return ctas
