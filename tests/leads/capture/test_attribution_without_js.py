"""A visitor without JavaScript who gets a form error: the error page comes from
/leads/cta/<id>/submit/, and the corrected resend is posted from there. The lead still
carries the article they came from, with its UTM parameters, and the error page, the
thank-you page and the "webinar is full" page (409) lead back to that article."""

import pytest
from django.urls import reverse

from leads.models import Submission
from tests.factories import lead_form_data, make_article, make_cta
from tests.leads.capture.test_capture import hidden_fields

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


@pytest.fixture
def article(article_index):
    return make_article(article_index, "Pricing lead capture")


def post(client, cta, data, *, referer):
    return client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN=ORIGIN, HTTP_REFERER=referer
    )


def resend(client, cta, error_page, *, referer=None, **answers):
    """Send the form again from the error page, as a browser does: its hidden fields as the
    page has them, the answers corrected, the error page's address as the Referer."""
    data = lead_form_data(cta, **answers) | hidden_fields(error_page.content.decode())
    submit_url = ORIGIN + reverse("leads:submit", args=[cta.pk])
    return post(client, cta, data, referer=referer or submit_url)


def test_corrected_resend_keeps_the_landing_page_and_utm(client, article):
    cta = make_cta("quote")
    landing = f"{ORIGIN}{article.url}?utm_source=newsletter&utm_campaign=spring"
    mistyped = lead_form_data(cta, page=article, email="ana-at-acme")

    error_page = post(client, cta, mistyped, referer=landing)
    assert error_page.status_code == 400
    assert resend(client, cta, error_page).status_code == 303

    submission = Submission.objects.get()
    assert submission.landing_page == landing
    assert (submission.utm_source, submission.utm_campaign) == ("newsletter", "spring")
    assert submission.first_touch["landing_page"] == landing
    assert submission.page_id == article.pk


def test_two_mistakes_in_a_row_still_keep_the_attribution(client, article):
    cta = make_cta("quote")
    landing = f"{ORIGIN}{article.url}?utm_source=linkedin"

    first_error = post(client, cta, lead_form_data(cta, page=article, name=""), referer=landing)
    second_error = resend(client, cta, first_error, email="ana-at-acme")
    assert second_error.status_code == 400
    assert resend(client, cta, second_error).status_code == 303

    assert Submission.objects.get().utm_source == "linkedin"


def test_posted_from_another_site_is_ignored(client, article):
    cta = make_cta("quote")
    landing = f"{ORIGIN}{article.url}?utm_source=newsletter"
    forged = lead_form_data(cta, page=article) | {
        "posted_from": "https://evil.example/?utm_source=forged"
    }

    assert post(client, cta, forged, referer=landing).status_code == 303

    submission = Submission.objects.get()
    assert (submission.landing_page, submission.utm_source) == (landing, "newsletter")


def test_error_page_and_thank_you_page_lead_back_to_the_article(client, article):
    cta = make_cta("quote")
    landing = f"{ORIGIN}{article.url}?utm_source=newsletter"
    link = f'<a href="{article.url}">Back to “Pricing lead capture”</a>'

    error_page = post(client, cta, lead_form_data(cta, page=article, name=""), referer=landing)
    assert link in error_page.content.decode()

    done = resend(client, cta, error_page)
    thanks = client.get(done["Location"])
    assert thanks.status_code == 200
    assert link in thanks.content.decode()


def test_thank_you_page_without_an_article_leads_to_the_article_list(client):
    cta = make_cta("quote")  # sent from its own page (/leads/cta/<id>/): no article

    done = post(client, cta, lead_form_data(cta), referer=f"{ORIGIN}/leads/cta/{cta.pk}/")

    assert (
        '<a href="/posts/">Back to the articles</a>'
        in client.get(done["Location"]).content.decode()
    )


def test_full_webinar_page_leads_back_to_the_article(client, article):
    cta = make_cta("webinar", seat_limit=1)
    assert post(client, cta, lead_form_data(cta), referer=ORIGIN).status_code == 303
    late = lead_form_data(cta, page=article, email="bo@other.example")

    full = post(client, cta, late, referer=f"{ORIGIN}{article.url}")

    assert full.status_code == 409
    assert "this webinar is full" in full.content.decode()
    assert f'<a href="{article.url}">Back to “Pricing lead capture”</a>' in full.content.decode()


def test_full_webinar_page_without_an_article_leads_to_the_article_list(client):
    cta = make_cta("webinar", seat_limit=1)
    assert post(client, cta, lead_form_data(cta), referer=ORIGIN).status_code == 303

    full = post(client, cta, lead_form_data(cta, email="bo@other.example"), referer=ORIGIN)

    assert full.status_code == 409
    assert '<a href="/posts/">Back to the articles</a>' in full.content.decode()
