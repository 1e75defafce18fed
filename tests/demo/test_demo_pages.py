"""The demo's About and Privacy pages, topic descriptions, and consent wording that links to the
privacy page on every demo form, in one pattern."""

import io

import pytest
from django.core.management import call_command

from blog.models import ContentPage, TopicDescription
from demo.ctas import CONSENT_ASKED, CONSENT_NOTICE
from demo.pages import ensure_demo_pages
from leads.models import CallToAction, ConsentText

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(site_tree):
    call_command("load_demo", stdout=io.StringIO())


def test_load_demo_publishes_about_and_privacy_under_home(client, demo):
    for path, heading in (("/about/", "<h1>About</h1>"), ("/privacy/", "<h1>Privacy policy</h1>")):
        response = client.get(path)
        assert response.status_code == 200
        assert heading in response.content.decode()


def test_every_demo_consent_wording_links_to_the_privacy_page(client, demo):
    assert ContentPage.objects.live().filter(url_path__endswith="/privacy/").exists()
    for cta in CallToAction.objects.all():
        assert "[privacy policy](/privacy/)" in cta.consent, cta.title
        assert ConsentText.objects.filter(version=cta.consent_version, text=cta.consent).exists()


def test_demo_consent_is_a_tick_box_where_the_kind_asks_and_a_notice_elsewhere(client, demo):
    asked_start = CONSENT_ASKED.split("{")[0]
    notice_start = CONSENT_NOTICE.split("{")[0]
    for cta in CallToAction.objects.all():
        html = client.get(f"/leads/cta/{cta.pk}/").content.decode()
        if any(not q.text for q in cta.question_set.consents):  # a box with its wording
            assert cta.consent.startswith(asked_start)
            assert f'<label for="cta{cta.pk}_consent">' in html
        else:
            assert cta.consent.startswith(notice_start)
            assert '<p class="lead-form__consent">' in html
        assert '<a href="/privacy/">privacy policy</a>' in html


def test_demo_topics_have_descriptions(demo):
    assert TopicDescription.objects.filter(tag__name__iexact="lead generation").exists()


def test_demo_pages_are_created_once(demo):
    ensure_demo_pages()
    call_command("load_demo", stdout=io.StringIO())
    assert ContentPage.objects.count() == 2
