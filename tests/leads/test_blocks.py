"""The CTA block of an article's body: refused when empty, even in a draft; a chosen CTA reads
with its kind, headline and button in the editor."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import ArticlePage
from blog.site_tree import ensure_site_tree
from leads.blocks import EMPTY_BLOCK_MESSAGE, CTABlock
from tests.factories import make_article, make_cta, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(client):
    client.force_login(make_user("eve", "Editors"))
    return ensure_site_tree()[1]


def article_form(cta):
    return nested_form_data(
        {
            "title": "Gated content that converts",
            "slug": "gated-content-that-converts",
            "date": "2026-04-02",
            "summary": "Which downloads deserve a form.",
            "tags": "",
            "body": streamfield([("section", rich_text("<p>Before the offer.</p>")), ("cta", cta)]),
        }
    )


def test_an_empty_cta_block_is_refused_when_saving_a_draft(client, index):
    add_url = reverse("wagtailadmin_pages:add", args=("blog", "articlepage", index.pk))
    response = client.post(add_url, article_form(""))
    assert response.status_code == 200
    assert EMPTY_BLOCK_MESSAGE in response.content.decode()
    assert not ArticlePage.objects.filter(slug="gated-content-that-converts").exists()


def test_a_draft_with_a_chosen_cta_is_saved(client, index):
    cta = make_cta("quote")
    add_url = reverse("wagtailadmin_pages:add", args=("blog", "articlepage", index.pk))
    response = client.post(add_url, article_form(cta.pk))
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="gated-content-that-converts")
    assert [block.value for block in article.body if block.block_type == "cta"] == [cta]


def test_the_editor_shows_a_chosen_cta_with_its_kind_headline_and_button(client, index):
    cta = make_cta("webinar", title="Pipeline webinar", headline="Join the pipeline webinar")
    article = make_article(index, body=[("cta", cta)])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()  # the block's state, as JSON in an attribute
    assert "Pipeline webinar (Webinar registration)" in html
    assert "Join the pipeline webinar" in html and "Reserve my seat" in html
    assert cta.editor_summary == (
        "Pipeline webinar (Webinar registration): \u201cJoin the pipeline webinar\u201d, "
        "button \u201cReserve my seat\u201d"
    )


def test_the_block_refuses_no_cta_even_with_required_checks_deferred():
    block = CTABlock()
    block.defer_required_validation()
    with pytest.raises(ValidationError, match="Choose a call to action"):
        block.clean(None)
