"""The demo's landing pages: the playbook and the quote, each with its CTA, a campaign with
spend and full content, and a demo article that links to one of them."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Revision

from blog.models import ArticlePage, LandingPage
from leads.models import Campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(site_tree):
    call_command("load_demo", stdout=io.StringIO())


def test_load_demo_publishes_a_download_and_a_quote_landing_page(client, demo):
    pages = {page.cta.kind: page for page in LandingPage.objects.live()}
    assert set(pages) == {"download", "quote"}
    for page in pages.values():
        html = client.get(page.url).content.decode()
        assert "data-lead-form" in html
        assert page.campaign is not None and page.campaign.spend > 0
        blocks = {block.block_type for block in page.body}
        assert {"benefits", "testimonial", "logos", "faq"} <= blocks
    assert pages["download"].hero_image is not None


def test_demo_landing_pages_have_their_own_campaigns(demo):
    used = [page.campaign_id for page in LandingPage.objects.all()]
    assert len(set(used)) == 2
    assert Campaign.objects.filter(pk__in=used).count() == 2


def test_a_demo_article_links_to_a_landing_page(client, demo):
    article = ArticlePage.objects.get(slug="marketing-to-sales-handoff")
    playbook = LandingPage.objects.get(slug="lead-scoring-playbook")
    html = client.get(article.url).content.decode()
    assert f'class="offer-link__link" href="{playbook.url}"' in html


def test_load_demo_twice_adds_no_landing_page_nor_revision(demo):
    pages, revisions = LandingPage.objects.count(), Revision.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert (LandingPage.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_demo_leads_from_landing_pages_count_under_their_campaigns(demo):
    from leads.models import Submission

    for page in LandingPage.objects.all():
        from_page = Submission.objects.filter(page_id=page.pk)
        assert from_page.exists(), page.slug
        assert from_page.filter(utm_campaign=page.campaign.utm_campaign).exists(), page.slug
