"""Where readers meet CTAs: in an article body, after it, by topic, on the home page and in the
admin preview. (The demo site's CTAs: tests/demo/test_demo_ctas.py.)"""

import html
import re

import pytest
from django.urls import reverse
from taggit.models import Tag

from leads.capture.tokens import read_form_token
from leads.models import TopicCTA
from tests.factories import cta_admin_form, make_article, make_cta

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def forms_for(page_html, cta):
    """How many forms for this CTA the page shows."""
    return page_html.count(f'action="/leads/cta/{cta.pk}/submit/"')


def page_field(page_html, cta):
    """The page this CTA's form will record, as its signed token says ("" if none)."""
    start = page_html.index(f'action="/leads/cta/{cta.pk}/submit/"')
    form = page_html[start : page_html.index("</form>", start)]
    match = re.search(r'<input type="hidden" name="token" value="([^"]*)"', form)
    page_id = read_form_token(html.unescape(match[1]), cta.pk).page_id
    return str(page_id) if page_id else ""


def test_cta_block_in_body_renders_form_recording_the_article(client, article_index):
    cta = make_cta("download")
    body = [("section", "<p>Before the offer.</p>"), ("cta", cta), ("section", "<p>After.</p>")]
    article = make_article(article_index, body=body)
    page_html = html_of(client, article.url)
    assert forms_for(page_html, cta) == 1
    assert page_field(page_html, cta) == str(article.pk)
    position = page_html.index(f'action="/leads/cta/{cta.pk}/submit/"')
    assert page_html.index("Before the offer.") < position < page_html.index("After.")


def test_cta_block_in_body_is_labelled_by_its_headline_and_not_in_contents(client, article_index):
    cta = make_cta("quote", headline="Want this on your site?")
    body = [("section", "<h2>Why gate content</h2><p>Words.</p>"), ("cta", cta)]
    page_html = html_of(client, make_article(article_index, body=body).url)
    region = re.search(r'<section [^>]*data-lead-cta[^>]*aria-labelledby="([^"]+)"', page_html)
    heading = re.search(rf'<h2 [^>]*id="{region[1]}"[^>]*>([^<]*)</h2>', page_html)
    assert heading[1] == "Want this on your site?"
    start = page_html.index('id="toc-heading"')
    contents = page_html[start : page_html.index("</nav>", start)]
    assert "Why gate content" in contents
    assert "Want this on your site?" not in contents


def test_articles_own_cta_shows_after_the_body(client, article_index):
    cta = make_cta("quote")
    article = make_article(article_index, body=[("section", "<p>Last words.</p>")], cta=cta)
    page_html = html_of(client, article.url)
    assert forms_for(page_html, cta) == 1
    assert page_html.index("Last words.") < page_html.index(f"cta{cta.pk}-title")
    assert page_field(page_html, cta) == str(article.pk)


def test_article_without_cta_shows_its_topics_cta(client, article_index):
    cta = make_cta("newsletter")
    TopicCTA.objects.create(tag=Tag.objects.create(name="lead generation"), cta=cta)
    article = make_article(article_index, tags=["lead generation"])
    page_html = html_of(client, article.url)
    assert forms_for(page_html, cta) == 1
    assert page_field(page_html, cta) == str(article.pk)


def test_articles_own_cta_wins_over_its_topics(client, article_index):
    own, topic = make_cta("quote"), make_cta("newsletter")
    TopicCTA.objects.create(tag=Tag.objects.create(name="lead generation"), cta=topic)
    article = make_article(article_index, tags=["lead generation"], cta=own)
    page_html = html_of(client, article.url)
    assert (forms_for(page_html, own), forms_for(page_html, topic)) == (1, 0)


def test_article_on_another_topic_shows_no_topic_cta(client, article_index):
    cta = make_cta("newsletter")
    TopicCTA.objects.create(tag=Tag.objects.create(name="lead generation"), cta=cta)
    article = make_article(article_index, tags=["webinars"])
    assert forms_for(html_of(client, article.url), cta) == 0


@pytest.mark.parametrize("placement", ["own", "topic"])
def test_cta_already_in_the_body_is_not_shown_twice(client, article_index, placement):
    cta = make_cta("download")
    body = [("section", "<p>Text.</p>"), ("cta", cta)]
    if placement == "own":
        article = make_article(article_index, body=body, cta=cta)
    else:
        TopicCTA.objects.create(tag=Tag.objects.create(name="gating"), cta=cta)
        article = make_article(article_index, body=body, tags=["gating"])
    page_html = html_of(client, article.url)
    assert forms_for(page_html, cta) == 1
    assert page_html.count(f'id="cta{cta.pk}-title"') == 1


def test_home_page_shows_its_featured_cta(client, home):
    cta = make_cta("newsletter", headline="The Qualified Lead, every other Tuesday")
    home.featured_cta = cta
    home.save_revision().publish()
    page_html = html_of(client, "/")
    assert "The Qualified Lead, every other Tuesday" in page_html
    assert forms_for(page_html, cta) == 1
    assert page_field(page_html, cta) == str(home.pk)


def test_cta_preview_renders_in_the_admin(client, django_user_model):
    cta = make_cta("quote", headline="Saved headline")
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.com", "x"))
    url = reverse("wagtailsnippets_leads_calltoaction:preview_on_edit", args=[cta.pk])
    edited = cta_admin_form(
        title=cta.title,
        headline="Headline being edited",
        text="Supporting text in the preview.",
    )
    assert client.post(url, edited).json() == {"is_valid": True, "is_available": True}
    page_html = html_of(client, url)
    assert "Headline being edited" in page_html
    assert "Supporting text in the preview." in page_html
    assert forms_for(page_html, cta) == 1
