"""Campaign landing pages: the offer's form near the top, noindex and navigation switches, the
campaign its leads count under, a thank-you page at a URL of its own, and the page cache."""

import html
import re

import pytest
from defusedxml import ElementTree as ET
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.test.utils import WagtailPageTestCase

from blog.landing import live_landing_page_ids
from blog.models import ContentPage, HomePage, LandingPage
from blog.site_tree import ensure_site_tree
from leads.capture.tokens import link_token, read_form_token
from leads.models import Submission
from tests.factories import (
    capture_lead,
    lead_form_data,
    make_article,
    make_campaign,
    make_cta,
    make_document,
    make_landing_page,
)

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


def post_from(client, page, data, *, query="", **headers):
    """The page's form, posted as a browser without JavaScript posts it."""
    cta = page.cta
    return client.post(
        reverse("leads:submit", args=[cta.pk]),
        data,
        HTTP_ORIGIN=ORIGIN,
        HTTP_REFERER=f"{ORIGIN}{page.url}{query}",
        **headers,
    )


def rendered_token(html_text: str) -> str:
    return html.unescape(re.search(r'name="token" value="([^"]+)"', html_text)[1])


# The page


def test_landing_page_shows_hero_and_the_offer_s_form(client, home):
    page = make_landing_page(home)
    response = client.get(page.url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Score your leads by Monday</h1>" in body
    assert "A one-page checklist for marketing and sales." in body
    assert f'action="{reverse("leads:submit", args=[page.cta.pk])}"' in body
    assert 'class="hp"' in body  # the same form: honeypot, signed token
    assert read_form_token(rendered_token(body), page.cta.pk).page_id == page.pk
    # The form comes before the page's content.
    assert body.index("data-lead-form") < body.index("What you get")


def test_landing_page_body_blocks_render(client, home):
    page = make_landing_page(
        home,
        body=[
            ("testimonial", {"quote": "It halved our calls.", "person": "Dana", "role": "CRO"}),
            ("faq", {"heading": "FAQ", "items": [{"question": "Free?", "answer": "<p>Yes</p>"}]}),
            ("benefits", {"heading": "", "items": [{"title": "Fast", "text": "A day."}]}),
        ],
    )
    body = client.get(page.url).content.decode()
    assert "<blockquote" in body and "It halved our calls." in body
    assert re.search(r"<details[^>]*>\s*<summary[^>]*>Free\?</summary>", body)
    assert '<h2 class="benefits__title">Fast</h2>' in body  # no list heading: items are h2


def test_landing_page_hides_site_navigation_by_default(client, home):
    ContentPage(title="Privacy policy", slug="privacy", show_in_menus=True)
    privacy = home.add_child(
        instance=ContentPage(title="Privacy policy", slug="privacy", show_in_menus=True)
    )
    privacy.save_revision().publish()
    body = client.get(make_landing_page(home).url).content.decode()
    assert 'class="site-nav"' not in body
    assert 'class="site-search"' not in body
    assert 'class="brand" href="/"' in body
    assert '<a href="/privacy/">Privacy policy</a>' in body  # minimal footer


def test_landing_page_shows_site_navigation_when_switched_on(client, home):
    body = client.get(make_landing_page(home, show_site_navigation=True).url).content.decode()
    assert 'class="site-nav"' in body
    assert 'class="site-search"' in body


def test_noindex_landing_page_says_so_and_stays_out_of_the_sitemap(client, home):
    hidden = make_landing_page(home, slug="hidden", noindex=True)
    listed = make_landing_page(home, slug="listed")
    assert '<meta name="robots" content="noindex">' in client.get(hidden.url).content.decode()
    assert 'name="robots"' not in client.get(listed.url).content.decode()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {loc.text for loc in root.findall("s:url/s:loc", ns)}
    assert f"{ORIGIN}/listed/" in locations
    assert f"{ORIGIN}/hidden/" not in locations


def test_landing_pages_are_not_in_site_search(client, home):
    make_landing_page(home, title="Checklist offer", noindex=True)
    body = client.get("/search/", {"q": "checklist"}).content.decode()
    assert "Checklist offer" not in body


def test_landing_page_uses_its_sub_heading_as_meta_description(client, home):
    page = make_landing_page(home, sub_heading="Twelve checks, one page.")
    body = client.get(page.url).content.decode()
    assert '<meta name="description" content="Twelve checks, one page.">' in body


# The campaign


def test_lead_from_the_page_counts_under_its_campaign_without_utm(client, home):
    page = make_landing_page(home, campaign=make_campaign("spring-ebook"))
    data = lead_form_data(page.cta, page=page)
    assert post_from(client, page, data).status_code == 303
    submission = Submission.objects.get()
    assert (submission.utm_campaign, submission.page_id) == ("spring-ebook", page.pk)


def test_utm_campaign_in_the_visitor_s_url_wins_over_the_page_s(client, home):
    page = make_landing_page(home, campaign=make_campaign("spring-ebook"))
    data = lead_form_data(page.cta, page=page)
    post_from(client, page, data, query="?utm_source=linkedin&utm_campaign=retargeting")
    submission = Submission.objects.get()
    assert (submission.utm_source, submission.utm_campaign) == ("linkedin", "retargeting")


def test_page_s_campaign_fills_in_when_the_url_has_other_utm_only(client, home):
    page = make_landing_page(home, campaign=make_campaign("spring-ebook"))
    post_from(client, page, lead_form_data(page.cta, page=page), query="?utm_source=google")
    submission = Submission.objects.get()
    assert (submission.utm_source, submission.utm_campaign) == ("google", "spring-ebook")


def test_rendered_form_token_carries_the_campaign(client, home):
    page = make_landing_page(home, campaign=make_campaign("x" * 100))
    token = rendered_token(client.get(page.url).content.decode())
    assert read_form_token(token, page.cta.pk).campaign == "x" * 100
    assert len(token) <= 300  # LeadForm.token's max_length


def test_page_without_campaign_leaves_utm_campaign_empty(client, home):
    page = make_landing_page(home)
    post_from(client, page, lead_form_data(page.cta, page=page))
    assert Submission.objects.get().utm_campaign == ""


# The thank-you page


def test_no_js_post_goes_to_the_page_s_own_thank_you_with_the_download(client, home):
    cta = make_cta("download", document=make_document("The Scoring Checklist"))
    page = make_landing_page(home, cta=cta, thanks_text="<p>Read our scoring guide.</p>")
    response = post_from(client, page, lead_form_data(cta, page=page))
    assert response.status_code == 303
    assert re.fullmatch(rf"{page.url}thanks/[^/]+/", response["Location"])
    thanks = client.get(response["Location"])
    body = thanks.content.decode()
    assert thanks.status_code == 200
    assert thanks["Cache-Control"] == "no-store"
    assert '<meta name="robots" content="noindex">' in body
    assert "Download The Scoring Checklist" in body
    assert "data-lead-thanks" in body  # leads.js announces the conversion on load
    assert "What happens next" in body and "Read our scoring guide." in body


def test_fetch_post_names_the_thank_you_url(client, home):
    page = make_landing_page(home)
    data = lead_form_data(page.cta, page=page)
    response = post_from(client, page, data, HTTP_X_REQUESTED_WITH="leadsite")
    assert response.status_code == 200
    assert re.fullmatch(rf"{page.url}thanks/[^/]+/", response["X-Lead-Thanks-URL"])
    assert "data-lead-thanks" in response.content.decode()


def test_article_forms_keep_the_leads_thank_you(client, article_index):
    from tests.factories import make_article

    article = make_article(article_index)
    cta = make_cta("quote")
    response = client.post(
        reverse("leads:submit", args=[cta.pk]),
        lead_form_data(cta, page=article),
        HTTP_ORIGIN=ORIGIN,
        HTTP_X_REQUESTED_WITH="leadsite",
    )
    assert "X-Lead-Thanks-URL" not in response.headers


def test_finding_the_thank_you_url_costs_one_query(home, django_assert_num_queries):
    page = make_landing_page(home)
    LandingPage.objects.first().get_url()  # warm the site root paths, cached per process
    live_landing_page_ids()  # the ids of live landing pages, read once per process and 30 s
    with django_assert_num_queries(1):
        url = LandingPage.thanks_url(page.pk, "ref.time:sig")
    assert url == f"{page.url}thanks/ref-time-sig/"


def test_a_lead_from_any_other_page_costs_no_query_to_find_its_thank_you(
    home, article_index, django_assert_num_queries
):
    make_landing_page(home)
    article = make_article(article_index)
    live_landing_page_ids()
    with django_assert_num_queries(0):
        assert LandingPage.thanks_url(article.pk, "ref.time:sig") is None


def test_a_landing_page_published_in_this_process_has_its_thank_you_at_once(home):
    live_landing_page_ids()  # none yet
    page = make_landing_page(home)
    assert LandingPage.thanks_url(page.pk, "ref.time:sig").endswith("/thanks/ref-time-sig/")


def test_thank_you_of_another_page_s_lead_is_not_found(client, home):
    page = make_landing_page(home)
    other = capture_lead(make_cta("quote"))
    token = link_token("thanks", other.submission.reference)
    assert client.get(f"{page.url}thanks/{token}/").status_code == 404
    assert client.get(f"{page.url}thanks/forged/").status_code == 404


def test_thank_you_page_has_the_landing_page_s_minimal_chrome(client, home):
    page = make_landing_page(home)
    response = post_from(client, page, lead_form_data(page.cta, page=page))
    body = client.get(response["Location"]).content.decode()
    assert 'class="site-nav"' not in body
    assert "<h1" in body and "Thank you" in body


def test_unpublished_landing_page_leaves_the_lead_the_leads_thank_you(client, home):
    page = make_landing_page(home)
    data = lead_form_data(page.cta, page=page)
    page.unpublish()
    response = post_from(client, page, data)
    assert response["Location"].startswith("/leads/thanks/")


# The page cache


def test_landing_page_is_served_from_the_page_cache(home):
    page = make_landing_page(home)
    first, second = Client().get(page.url), Client().get(page.url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")


def test_publishing_a_landing_page_purges_its_cached_copy(home, django_capture_on_commit_callbacks):
    page = make_landing_page(home)
    Client().get(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        page.heading = "A new promise"
        page.save_revision().publish()
    response = Client().get(page.url)
    assert response["X-Page-Cache"] == "miss"
    assert "A new promise" in response.content.decode()


def test_unpublishing_a_landing_page_purges_its_cached_copy(
    home, django_capture_on_commit_callbacks
):
    page = make_landing_page(home)
    Client().get(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert Client().get(page.url).status_code == 404


def test_thank_you_page_is_never_cached(client, home):
    page = make_landing_page(home)
    location = post_from(client, page, lead_form_data(page.cta, page=page))["Location"]
    first, second = Client().get(location), Client().get(location)
    assert "X-Page-Cache" not in second.headers or second["X-Page-Cache"] != "hit"
    assert first["Cache-Control"] == second["Cache-Control"] == "no-store"


# Editors


class TestLandingPageRules(WagtailPageTestCase):
    def test_landing_page_is_renderable(self):
        home, _ = ensure_site_tree()
        self.assertPageIsRenderable(make_landing_page(home))

    def test_landing_pages_go_under_home_only(self):
        self.assertAllowedParentPageTypes(LandingPage, {HomePage})
        self.assertAllowedSubpageTypes(LandingPage, set())

    def test_editors_may_create_landing_pages_under_home(self):
        home, _ = ensure_site_tree()
        editors = Group.objects.get(name="Editors")
        granted = GroupPagePermission.objects.filter(group=editors).select_related("page")
        assert any(
            home.is_descendant_of(grant.page) or grant.page.pk == home.pk
            for grant in granted
            if grant.permission.codename == "add_page"
        )
        self.assertCanCreateAt(HomePage, LandingPage)


def test_faq_is_described_for_search_engines(client, home):
    page = make_landing_page(home)
    body = client.get(page.url).content.decode()
    assert '"@type":"FAQPage"' in body
    assert '"name":"Is it free?"' in body and '"text":"Yes, it is."' in body


def test_editors_preview_the_thank_you_page(home):
    page = make_landing_page(home, thanks_text="<p>Read our scoring guide.</p>")
    assert ("thanks", "Thank-you page") in page.preview_modes
    response = page.make_preview_request(preview_mode="thanks")
    body = response.render().content.decode()
    assert response.status_code == 200
    assert "Thank you" in body and "Read our scoring guide." in body
    assert "you@example.com" in body
