"""Where a lead came from, read from the request without cookies: stored clipped, shown escaped."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from leads.models import Submission
from tests.factories import lead_form_data, make_cta

pytestmark = pytest.mark.django_db

ARTICLE = "http://testserver/posts/gated-content/"
CAMPAIGN = (
    f"{ARTICLE}?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
    "&utm_term=gating&utm_content=button"
)


def submit(client, cta, data, *, referer=None):
    headers = {"HTTP_ORIGIN": "http://testserver"}
    if referer is not None:
        headers["HTTP_REFERER"] = referer
    response = client.post(reverse("leads:submit", args=[cta.pk]), data, **headers)
    assert response.status_code == 303
    return Submission.objects.get()


@pytest.fixture
def cta():
    return make_cta("quote")


def test_utm_parameters_of_the_posting_page_are_stored(client, cta):
    submission = submit(client, cta, lead_form_data(cta), referer=CAMPAIGN)
    assert (
        submission.utm_source,
        submission.utm_medium,
        submission.utm_campaign,
        submission.utm_term,
        submission.utm_content,
    ) == ("newsletter", "email", "spring", "gating", "button")


def test_posting_page_is_stored_as_landing_page(client, cta):
    submission = submit(client, cta, lead_form_data(cta), referer=CAMPAIGN)
    assert submission.landing_page == CAMPAIGN


def test_foreign_referer_is_not_trusted_as_landing_page(client, cta):
    foreign = "https://evil.example/?utm_source=forged&utm_campaign=forged"
    submission = submit(client, cta, lead_form_data(cta), referer=foreign)
    assert submission.landing_page == ""
    assert submission.utm_source == submission.utm_campaign == ""


def test_first_touch_posted_by_the_page_is_stored(client, cta):
    landing = "http://testserver/posts/lead-scoring/?utm_source=linkedin&utm_campaign=q3"
    data = lead_form_data(
        cta, first_landing=landing, first_referrer="https://www.linkedin.com/feed/"
    )
    submission = submit(client, cta, data, referer=ARTICLE)
    assert submission.first_touch == {
        "landing_page": landing,
        "referrer": "https://www.linkedin.com/feed/",
        "utm_source": "linkedin",
        "utm_medium": "",
        "utm_campaign": "q3",
        "utm_term": "",
        "utm_content": "",
    }
    assert submission.referrer == "https://www.linkedin.com/feed/"
    assert (submission.landing_page, submission.utm_source) == (ARTICLE, "linkedin")


def test_first_touch_without_javascript_is_the_posting_page(client, cta):
    submission = submit(client, cta, lead_form_data(cta), referer=CAMPAIGN)
    assert submission.first_touch["landing_page"] == CAMPAIGN
    assert submission.first_touch["utm_source"] == "newsletter"


def test_referrer_on_a_host_without_a_dot_is_stored(client, cta):
    """A visit from an intranet page ("http://wiki/") is still a lead, not a 500."""
    data = lead_form_data(cta, first_landing=ARTICLE, first_referrer="http://wiki/crm-tools")
    submission = submit(client, cta, data)
    assert submission.referrer == "http://wiki/crm-tools"


def test_utm_values_are_clipped_to_100_characters(client, cta):
    submission = submit(
        client, cta, lead_form_data(cta), referer=f"{ARTICLE}?utm_source={'s' * 300}"
    )
    assert submission.utm_source == "s" * 100


def test_overlong_attribution_url_is_clipped_not_refused(client, cta):
    long_referrer = "https://search.example/?q=" + "q" * 5000
    data = lead_form_data(cta, first_landing=ARTICLE, first_referrer=long_referrer)
    submission = submit(client, cta, data)
    assert submission.referrer == long_referrer[:500]
    assert submission.first_touch["referrer"] == long_referrer[:500]


@pytest.mark.parametrize(
    "bad", ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<b>x"]
)
def test_non_http_attribution_urls_are_dropped(client, cta, bad):
    data = lead_form_data(cta, first_landing=ARTICLE, first_referrer=bad)
    submission = submit(client, cta, data)
    assert submission.referrer == ""
    assert submission.first_touch["referrer"] == ""


def test_javascript_landing_page_is_dropped(client, cta):
    data = lead_form_data(cta, first_landing="javascript:alert(1)")
    submission = submit(client, cta, data, referer=ARTICLE)
    assert submission.first_touch["landing_page"] == ARTICLE
    assert "javascript" not in str(submission.first_touch)


def test_attribution_with_markup_is_shown_escaped_in_admin(client, cta, django_user_model):
    script = "<script>alert(1)</script>"
    referrer = 'https://evil.example/?q="><img src=x onerror=alert(2)>'
    data = lead_form_data(cta, first_landing=ARTICLE, first_referrer=referrer)
    submission = submit(
        client, cta, data, referer=f"{ARTICLE}?utm_source=%3Cscript%3Ealert(1)%3C/script%3E"
    )
    assert submission.utm_source == script

    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "x")
    client.force_login(admin)
    response = client.get(reverse("leads_inbox:inspect", args=[submission.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(script) in page
    assert script not in page
    assert "<img src=x" not in page


# Hostile attribution: whatever the address bar or the Referer holds, the lead is kept -------

ENCODED_CONTROLS = {
    "NUL": "%00",
    "escape": "%1B",
    "DEL": "%7f",
    "C1 next line": "%C2%85",
    "line separator": "%E2%80%A8",
}


@pytest.mark.parametrize("encoded", ENCODED_CONTROLS.values(), ids=ENCODED_CONTROLS.keys())
def test_control_in_a_first_touch_utm_value_is_removed_and_the_lead_kept(client, cta, encoded):
    """A campaign link ending in `%00` used to lose every lead of the visit on PostgreSQL."""
    landing = f"{ARTICLE}?utm_source=newsletter{encoded}&utm_campaign=spr{encoded}ing"
    data = lead_form_data(cta, first_landing=landing, first_referrer=f"https://a.example/{encoded}")
    submission = submit(client, cta, data, referer=ARTICLE)
    assert (submission.utm_source, submission.utm_campaign) == ("newsletter", "spring")
    assert submission.first_touch["utm_source"] == "newsletter"
    assert submission.first_touch["landing_page"] == (
        f"{ARTICLE}?utm_source=newsletter&utm_campaign=spring"
    )
    assert submission.referrer == "https://a.example/"


@pytest.mark.parametrize("encoded", ENCODED_CONTROLS.values(), ids=ENCODED_CONTROLS.keys())
def test_control_in_the_posting_pages_utm_value_is_removed_and_the_lead_kept(client, cta, encoded):
    submission = submit(
        client, cta, lead_form_data(cta), referer=f"{ARTICLE}?utm_medium=email{encoded}"
    )
    assert submission.utm_medium == "email"
    assert submission.landing_page == f"{ARTICLE}?utm_medium=email"


def test_every_form_of_the_visit_is_stored_with_the_same_poisoned_first_touch(client):
    """leads.js posts the visit's first touch with every form of the tab."""
    landing = f"{ARTICLE}?utm_source=newsletter%00"
    ctas = [make_cta("quote"), make_cta("webinar"), make_cta("newsletter")]
    for cta in ctas:
        response = client.post(
            reverse("leads:submit", args=[cta.pk]),
            lead_form_data(cta, first_landing=landing),
            HTTP_ORIGIN="http://testserver",
            HTTP_REFERER=ARTICLE,
        )
        assert response.status_code == 303
    assert list(Submission.objects.values_list("utm_source", flat=True)) == ["newsletter"] * 3


def test_bidi_override_in_a_utm_value_is_removed(client, cta):
    submission = submit(
        client, cta, lead_form_data(cta), referer=f"{ARTICLE}?utm_campaign=%E2%80%AEgnirps"
    )
    assert submission.utm_campaign == "gnirps"


MALFORMED = {
    "unclosed IPv6 bracket": "http://[",
    "unclosed IPv6 address": "http://[::1",
    "bracket in the host": "http://exa[mple.com/",
    "port that is not a number": "http://testserver:http/",
    "port out of range": "http://testserver:99999/",
    "no host": "http:///posts/",
}


@pytest.mark.parametrize("url", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_first_touch_urls_are_dropped_not_a_500(client, cta, url):
    data = lead_form_data(cta, first_landing=url, first_referrer=url)
    submission = submit(client, cta, data, referer=ARTICLE)
    assert submission.first_touch["landing_page"] == ARTICLE
    assert submission.referrer == submission.first_touch["referrer"] == ""


@pytest.mark.parametrize("url", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_referer_header_is_dropped_not_a_500(client, cta, url):
    submission = submit(client, cta, lead_form_data(cta, first_landing=ARTICLE), referer=url)
    assert submission.landing_page == ""
    assert submission.first_touch["landing_page"] == ARTICLE
