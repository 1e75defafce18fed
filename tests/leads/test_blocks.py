"""The CTA block of an article's body: refused when empty, even in a draft; a chosen CTA shows
in the editor as a miniature of its box (kind, headline, button, document), read in a bounded
number of queries."""

import html as html_module
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import ArticlePage
from blog.site_tree import ensure_site_tree
from leads.blocks import EMPTY_BLOCK_MESSAGE, CTABlock
from tests.factories import make_article, make_cta, make_document, make_user

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


def preview_states(html) -> list[dict]:
    """The chosen CTAs' miniatures in a page editor: each block's state, as telepath sends it
    (JSON in the form's data attribute)."""
    decoder = json.JSONDecoder()
    text = html_module.unescape(html)
    states = []
    for match in re.finditer(r'\{"id": \d+, "edit_url"', text):
        state, _ = decoder.raw_decode(text, match.start())
        if "preview" in state:
            states.append(state)
    return states


def test_the_editor_shows_a_chosen_cta_as_a_miniature(client, index):
    cta = make_cta("webinar", title="Pipeline webinar", headline="Join the pipeline webinar")
    article = make_article(index, body=[("cta", cta)])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert response.status_code == 200
    [state] = preview_states(response.content.decode())
    assert state["string"] == "Pipeline webinar"
    assert state["preview"] == {
        "kind": "Webinar",
        "headline": "Join the pipeline webinar",
        "button": "Reserve my seat",
        "document": "",
    }


def test_a_download_cta_miniature_names_its_document(client, index):
    cta = make_cta(
        "download", button_label="Send me the playbook", document=make_document("Playbook")
    )
    article = make_article(index, body=[("cta", cta)])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    [state] = preview_states(response.content.decode())
    assert state["preview"]["kind"] == "Download"
    assert state["preview"]["button"] == "Send me the playbook"
    assert state["preview"]["document"] == "Playbook"


def test_the_editor_reads_the_documents_of_all_cta_blocks_at_once(client, index):
    def editor_queries(count):
        ctas = [make_cta("download") for _ in range(count)]
        article = make_article(index, body=[("cta", cta) for cta in ctas])
        url = reverse("wagtailadmin_pages:edit", args=[article.pk])
        client.get(url)  # warm the per-process caches (content types, site, ...)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert editor_queries(4) == editor_queries(1)


def test_the_block_refuses_no_cta_even_with_required_checks_deferred():
    block = CTABlock()
    block.defer_required_validation()
    with pytest.raises(ValidationError, match="Choose a call to action"):
        block.clean(None)


def test_an_articles_closing_cta_shows_the_same_miniature(client, index):
    cta = make_cta("newsletter", headline="The Friday lead letter")
    article = make_article(index, cta=cta)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    html = response.content.decode()
    assert (
        '<p class="ls-cta-mini__headline" data-cta-preview-headline>The Friday lead letter' in html
    )
    assert '<span class="ls-cta-mini__button" data-cta-preview-button>Subscribe</span>' in html
