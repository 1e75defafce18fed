"""Pages with CTAs stay cacheable: nothing per visitor in them, and cross-site posts refused."""

import html
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from taggit.models import Tag

from leads.models import Status, Submission, TopicCTA
from tests.factories import ANSWERS, lead_form_data, make_article, make_cta

pytestmark = pytest.mark.django_db

HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?')
REFUSED = "This form can only be sent from this site."


def article_with_cta(article_index, placement):
    """An article showing a quote CTA: in its body, as its own CTA, or by its topic."""
    cta = make_cta("quote")
    if placement == "body":
        body = [("section", "<p>Before the offer.</p>"), ("cta", cta)]
        return make_article(article_index, body=body), cta
    if placement == "own":
        return make_article(article_index, cta=cta), cta
    TopicCTA.objects.create(tag=Tag.objects.create(name="lead generation"), cta=cta)
    return make_article(article_index, tags=["lead generation"]), cta


def form_in(page_html, cta):
    """What a browser would post from the page's form for this CTA (its hidden fields)."""
    start = page_html.index(f'action="/leads/cta/{cta.pk}/submit/"')
    form = page_html[start : page_html.index("</form>", start)]
    return {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(form)}


def submit(client, cta, data, **headers):
    return client.post(reverse("leads:submit", args=[cta.pk]), data, **headers)


@pytest.fixture
def cta():
    return make_cta("quote")


@pytest.mark.parametrize("placement", ["body", "own", "topic"])
def test_article_with_cta_sets_no_cookie_and_does_not_vary_on_cookie(
    client, article_index, placement
):
    article, cta = article_with_cta(article_index, placement)
    response = client.get(article.url)
    assert response.status_code == 200
    assert f'action="/leads/cta/{cta.pk}/submit/"' in response.content.decode()
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "cookie" not in response.headers.get("Vary", "").lower()


@pytest.mark.parametrize("placement", ["body", "own", "topic"])
def test_article_with_cta_has_no_per_visitor_secret(client, article_index, placement):
    article, _ = article_with_cta(article_index, placement)
    page = client.get(article.url).content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert "csrftoken" not in page


@override_settings(LEAD_FORM_MIN_SECONDS=0)
def test_one_cached_page_serves_two_visitors_as_two_submissions(article_index):
    article, cta = article_with_cta(article_index, "body")
    cached_html = Client().get(article.url).content.decode()
    shown = form_in(cached_html, cta)

    visitor_a, visitor_b = Client(), Client()
    answers_b = ANSWERS["quote"] | {"name": "Bo Berg", "email": "bo@other.example"}
    response_a = submit(visitor_a, cta, shown | ANSWERS["quote"], HTTP_ORIGIN="http://testserver")
    response_b = submit(visitor_b, cta, shown | answers_b, HTTP_ORIGIN="http://testserver")

    assert (response_a.status_code, response_b.status_code) == (303, 303)
    submissions = Submission.objects.order_by("pk")
    assert [s.contact.email for s in submissions] == ["ana@acme.example", "bo@other.example"]
    assert {s.status for s in submissions} == {Status.NEW}
    assert {s.page_id for s in submissions} == {article.pk}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "https://evil.example/page-with-a-form"},
    ],
    ids=["foreign origin", "lookalike origin", "null origin", "cross-site", "same-site", "referer"],
)
def test_post_from_another_site_is_refused(client, cta, headers):
    response = submit(client, cta, lead_form_data(cta), **headers)
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_REFERER": "http://testserver/posts/an-article/"},
    ],
    ids=["origin", "origin and fetch metadata", "referer"],
)
def test_post_from_this_site_is_accepted(client, cta, headers):
    assert submit(client, cta, lead_form_data(cta), **headers).status_code == 303
    assert Submission.objects.count() == 1


def test_post_without_origin_or_referer_is_accepted_like_any_input(client, cta):
    assert submit(client, cta, lead_form_data(cta)).status_code == 303
    assert Submission.objects.get().status == Status.NEW
