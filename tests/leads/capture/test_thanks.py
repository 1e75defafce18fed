"""The thank-you after a form: thanks once, a recap of what was sent and to whom, a next step,
and the data the conversion event reads (static/js/leads.js)."""

import re

import pytest
from django.urls import reverse

from leads.capture.tokens import link_token
from tests.factories import capture_lead, make_cta, make_document

pytestmark = pytest.mark.django_db

EMAIL = "ana@acme.example"


def thanks_html(client, cta, **answers):
    result = capture_lead(cta, email=EMAIL, **answers)
    token = link_token("thanks", result.submission.reference)
    response = client.get(reverse("leads:thanks", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


def test_download_thanks_recaps_the_file_and_the_address_and_says_thank_you_once(client):
    cta = make_cta("download", document=make_document("The Scoring Playbook"))
    html = thanks_html(client, cta)
    assert "Download The Scoring Playbook" in html
    assert f"<strong>{EMAIL}</strong>" in html
    assert len(re.findall(r"thank you", html, flags=re.IGNORECASE)) == 2  # <title>, <h1>


def test_webinar_thanks_recaps_the_time(client):
    cta = make_cta("webinar")
    html = thanks_html(client, cta)
    assert cta.event_starts_at.strftime("%B") in html
    assert f"<strong>{EMAIL}</strong>" in html


@pytest.mark.parametrize("kind", ["download", "quote", "newsletter", "webinar"])
def test_every_thanks_links_a_next_step(client, kind):
    fields = {"document": make_document()} if kind == "download" else {}
    html = thanks_html(client, make_cta(kind, **fields))
    assert re.search(r'class="cta__next"[^<]*<a [^>]*href="/posts/"', html) or (
        'class="cta__next"' in html and 'href="/posts/"' in html
    )


def test_quote_thanks_offers_the_booking_link_when_one_is_set(client, settings):
    settings.LEAD_BOOKING_URL = "https://cal.example/acme/intro"
    html = thanks_html(client, make_cta("quote"))
    assert 'href="https://cal.example/acme/intro"' in html
    assert "Book a call" in html


def test_quote_thanks_without_a_booking_url_offers_reading(client, settings):
    settings.LEAD_BOOKING_URL = ""
    html = thanks_html(client, make_cta("quote"))
    assert "Book a call" not in html
    assert 'href="/posts/"' in html


def test_thanks_carries_the_cta_and_kind_for_the_conversion_event(client):
    cta = make_cta("newsletter")
    html = thanks_html(client, cta)
    assert f'data-lead-thanks data-cta="{cta.pk}" data-kind="newsletter"' in html


def test_a_page_type_s_own_thank_you_url_comes_from_the_leads_thanks_url_hook(
    client, article_index
):
    """The seam landing pages use (blog/wagtail_hooks.py): leads knows no page type."""
    from wagtail import hooks

    from tests.factories import lead_form_data, make_article

    article = make_article(article_index)
    cta = make_cta("quote")
    seen = []

    def own_thanks(request, submission, token):
        seen.append((submission.page_id, token))
        return f"/own/thanks/{token}/"

    with hooks.register_temporarily("leads_thanks_url", own_thanks):
        response = client.post(
            reverse("leads:submit", args=[cta.pk]),
            lead_form_data(cta, page=article),
            HTTP_ORIGIN="http://testserver",
        )
        fetched = client.post(
            reverse("leads:submit", args=[cta.pk]),
            lead_form_data(cta, page=article, email="bo@acme.example"),
            HTTP_ORIGIN="http://testserver",
            HTTP_X_REQUESTED_WITH="leadsite",
        )
    (page_id, token), _ = seen
    assert page_id == article.pk
    assert (response.status_code, response["Location"]) == (303, f"/own/thanks/{token}/")
    assert fetched["X-Lead-Thanks-URL"].startswith("/own/thanks/")
