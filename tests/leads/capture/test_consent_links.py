"""The consent line beside a form links to the privacy page, and the ledger keeps the exact
wording, link and all."""

import pytest
from django.urls import reverse

from leads.models import ConsentText, Submission
from tests.factories import lead_form_data, make_cta

pytestmark = pytest.mark.django_db

WORDING = "I agree that LeadSite may email me. Read our [privacy policy](/privacy/)."
LINKED = 'I agree that LeadSite may email me. Read our <a href="/privacy/">privacy policy</a>.'


@pytest.mark.parametrize("kind", ["download", "newsletter"])
def test_consent_tick_box_label_links_to_the_privacy_page(client, kind):
    cta = make_cta(kind, consent_text=WORDING)
    html = client.get(reverse("leads:cta", args=[cta.pk])).content.decode()
    assert f'<label for="cta{cta.pk}_consent">{LINKED}</label>' in html


@pytest.mark.parametrize("kind", ["quote", "webinar"])
def test_consent_notice_links_to_the_privacy_page(client, kind):
    cta = make_cta(kind, consent_text=WORDING)
    html = client.get(reverse("leads:cta", args=[cta.pk])).content.decode()
    assert f'<p class="lead-form__consent">{LINKED}</p>' in html


@pytest.mark.parametrize("kind", ["download", "quote"])
def test_ledger_records_the_exact_wording_with_its_link(client, kind):
    cta = make_cta(kind, consent_text=WORDING)
    client.post(
        reverse("leads:submit", args=[cta.pk]),
        lead_form_data(cta),
        HTTP_ORIGIN="http://testserver",
    )
    submission = Submission.objects.get()
    assert submission.consent.text == WORDING
    assert ConsentText.objects.get(version=cta.consent_version).text == WORDING


def test_consent_error_links_to_the_tick_box_with_plain_words(client):
    cta = make_cta("newsletter", consent_text=WORDING)
    data = lead_form_data(cta)
    data.pop("consent")
    response = client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN="http://testserver"
    )
    html = response.content.decode()
    errors = html[html.index('class="form-errors"') :]
    errors = errors[: errors.index("</ul>")]
    assert f'<a href="#cta{cta.pk}_consent">I agree that LeadSite may email me.' in errors
    assert "/privacy/" not in errors  # no link inside the error's link
