"""CTA impressions: counted per day, CTA and page from the signed form token, without cookies
or anything about the visitor, on pages served from a cache."""

import base64
import datetime
import html
import json
import re
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.capture.tokens import form_token
from leads.models import CTAImpression
from tests.factories import make_article, make_cta

pytestmark = pytest.mark.django_db

SAME_SITE = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
TOKEN_INPUT = re.compile(r'<input type="hidden" name="token" value="([^"]*)"')


@pytest.fixture
def cta():
    return make_cta("quote")


@pytest.fixture
def article(article_index, cta):
    return make_article(article_index, cta=cta)


def token_for(cta, page, *, age_seconds=60):
    return form_token(
        cta.pk, page_id=page.pk if page else None, issued_at=time.time() - age_seconds
    )


def seen(client, cta, token, **headers):
    return client.post(
        reverse("leads:seen", args=[cta.pk]), {"token": token}, **(SAME_SITE | headers)
    )


def counts():
    return {(i.day, i.cta_id, i.page_id): i.count for i in CTAImpression.objects.all()}


def test_each_beacon_counts_one_impression_on_todays_row(client, cta, article):
    token = token_for(cta, article)
    responses = [seen(client, cta, token) for _ in range(3)]
    assert [r.status_code for r in responses] == [204, 204, 204]
    assert counts() == {(timezone.localdate(), cta.pk, article.pk): 3}


def test_impressions_are_counted_apart_per_page_and_per_cta(client, article_index, cta, article):
    other_page = make_article(article_index, cta=cta)
    other_cta = make_cta("newsletter")
    seen(client, cta, token_for(cta, article))
    seen(client, cta, token_for(cta, other_page))
    seen(client, other_cta, token_for(other_cta, article))
    today = timezone.localdate()
    assert counts() == {
        (today, cta.pk, article.pk): 1,
        (today, cta.pk, other_page.pk): 1,
        (today, other_cta.pk, article.pk): 1,
    }


def test_impressions_are_counted_apart_per_day(cta, article):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for day in (yesterday, yesterday, timezone.localdate()):
        assert services.impression_record(cta_id=cta.pk, page_id=article.pk, day=day)
    assert counts() == {
        (yesterday, cta.pk, article.pk): 2,
        (timezone.localdate(), cta.pk, article.pk): 1,
    }


def test_token_from_a_cached_page_counts_for_every_visitor(cta, article):
    """The page is rendered once and served to everyone from the cache: its one token
    counts each reader's view, for the page it was rendered on."""
    cached_html = Client().get(article.url).content.decode()
    token = html.unescape(TOKEN_INPUT.search(cached_html).group(1))
    for visitor in (Client(), Client()):
        assert seen(visitor, cta, token).status_code == 204
    assert counts() == {(timezone.localdate(), cta.pk, article.pk): 2}


def test_token_rendered_hours_ago_still_counts(client, cta, article):
    assert seen(client, cta, token_for(cta, article, age_seconds=10 * 3600)).status_code == 204
    assert sum(counts().values()) == 1


def test_beacon_sets_no_cookie_and_is_not_cached(client, cta, article):
    response = seen(client, cta, token_for(cta, article))
    assert response.status_code == 204
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.content == b""


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "eyJhbGciOi.forged.signature"],
    ids=["missing", "garbage", "forged"],
)
def test_forged_or_missing_token_is_refused_and_counts_nothing(client, cta, article, token):
    assert seen(client, cta, token).status_code == 400
    assert counts() == {}


def test_token_of_another_cta_cannot_count_for_this_one(client, cta, article):
    other_cta = make_cta("newsletter")
    assert seen(client, cta, token_for(other_cta, article)).status_code == 400
    assert counts() == {}


def test_tampered_page_id_is_refused(client, cta, article, article_index):
    """Someone who edits the token to name another page breaks its signature."""
    other_page = make_article(article_index)
    payload, signature = token_for(cta, article).split(":", 1)  # signature: time and hash
    fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    fields[3] = other_page.pk
    forged = base64.urlsafe_b64encode(json.dumps(fields, separators=(",", ":")).encode())
    assert seen(client, cta, f"{forged.decode().rstrip('=')}:{signature}").status_code == 400
    assert counts() == {}


def test_expired_token_is_refused(client, cta, article, settings):
    age = settings.LEAD_FORM_MAX_AGE_HOURS * 3600 + 60
    assert seen(client, cta, token_for(cta, article, age_seconds=age)).status_code == 400
    assert counts() == {}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
    ],
    ids=["foreign origin", "null origin", "cross-site", "same-site"],
)
def test_beacon_from_another_site_is_refused(client, cta, article, headers):
    response = client.post(
        reverse("leads:seen", args=[cta.pk]), {"token": token_for(cta, article)}, **headers
    )
    assert response.status_code == 403
    assert counts() == {}


def test_cta_shown_on_no_page_is_not_counted(client, cta):
    """The CTA's own page (where the form comes back with errors) is not an article view."""
    assert seen(client, cta, token_for(cta, None)).status_code == 204
    assert counts() == {}


def test_stale_token_for_a_deleted_page_is_ignored_without_error(client, cta, article):
    token = token_for(cta, article)
    article.delete()
    assert seen(client, cta, token).status_code == 204
    assert counts() == {}


def test_stale_token_for_a_deleted_cta_is_ignored_without_error(client, cta, article):
    token = token_for(cta, article)
    cta_id = cta.pk
    article.cta = None
    article.save()
    cta.delete()
    response = client.post(reverse("leads:seen", args=[cta_id]), {"token": token}, **SAME_SITE)
    assert response.status_code == 204
    assert counts() == {}


def test_get_is_not_allowed(client, cta):
    assert client.get(reverse("leads:seen", args=[cta.pk])).status_code == 405


def test_oversized_body_is_refused(client, cta, article):
    data = {"token": token_for(cta, article), "padding": "x" * 5000}
    response = client.post(reverse("leads:seen", args=[cta.pk]), data, **SAME_SITE)
    assert response.status_code == 400
    assert counts() == {}


@override_settings(LEAD_IMPRESSIONS_PER_IP_HOUR=2)
def test_one_client_cannot_inflate_counts_past_the_hourly_limit(client, cta, article):
    token = token_for(cta, article)
    statuses = [seen(client, cta, token).status_code for _ in range(4)]
    assert statuses == [204, 204, 429, 429]
    assert sum(counts().values()) == 2
    other_ip = Client(REMOTE_ADDR="192.0.2.7")
    assert seen(other_ip, cta, token).status_code == 204


@override_settings(LEAD_IMPRESSIONS_PER_IP_HOUR=0)
def test_hourly_impression_limit_of_zero_is_off(client, cta, article):
    token = token_for(cta, article)
    assert {seen(client, cta, token).status_code for _ in range(5)} == {204}
    assert sum(counts().values()) == 5


def test_article_page_includes_the_beacon_script_and_token(client, cta, article):
    """What leads.js needs: the CTA box, its form action (the beacon URL is derived from it)
    and the signed token."""
    page_html = client.get(article.url).content.decode()
    assert "data-lead-cta" in page_html
    assert f'action="/leads/cta/{cta.pk}/submit/"' in page_html
    assert TOKEN_INPUT.search(page_html)
    assert "js/leads.js" in page_html
