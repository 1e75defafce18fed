"""Plain content pages (About, Privacy policy): under home, rendered, in the sitemap."""

import pytest
from defusedxml import ElementTree as ET
from wagtail.test.utils import WagtailPageTestCase

from blog.models import ContentPage
from blog.site_tree import ensure_site_tree

pytestmark = pytest.mark.django_db


def make_content_page(home, **fields):
    defaults = {
        "title": "About",
        "slug": "about",
        "intro": "Who writes this site.",
        "body": [("section", "<h2>Our story</h2><p>We ran lead generation for years.</p>")],
    }
    page = home.add_child(instance=ContentPage(**(defaults | fields)))
    page.save_revision().publish()
    return page


def test_content_page_shows_title_intro_and_body(client, home):
    make_content_page(home)
    response = client.get("/about/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>About</h1>" in html
    assert "Who writes this site." in html
    assert "We ran lead generation for years." in html
    assert 'id="our-story"' in html  # headings get anchors, as in articles


def test_content_page_uses_its_intro_as_meta_description(client, home):
    make_content_page(home, intro="Who writes this site, and why.")
    html = client.get("/about/").content.decode()
    assert '<meta name="description" content="Who writes this site, and why.">' in html


def test_content_page_needs_no_call_to_action(client, home):
    make_content_page(home)
    assert "data-lead-form" not in client.get("/about/").content.decode()


def test_content_page_is_in_the_sitemap(client, home):
    make_content_page(home, title="Privacy policy", slug="privacy")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {loc.text for loc in root.findall("s:url/s:loc", ns)}
    assert "http://testserver/privacy/" in locations


def test_draft_content_page_is_not_served_nor_in_the_sitemap(client, home):
    page = home.add_child(instance=ContentPage(title="Draft", slug="draft", live=False))
    assert page.live is False
    assert client.get("/draft/").status_code == 404
    assert "/draft/" not in client.get("/sitemap.xml").content.decode()


class TestContentPageRules(WagtailPageTestCase):
    def test_content_page_is_renderable(self):
        home, _ = ensure_site_tree()
        self.assertPageIsRenderable(make_content_page(home))

    def test_editor_can_create_a_content_page_under_home(self):
        home, _ = ensure_site_tree()
        self.assertCanCreateAt(type(home), ContentPage)
        self.assertCanNotCreateAt(ContentPage, ContentPage)


def test_footer_links_the_content_pages_shown_in_menus(client, home):
    make_content_page(home, title="Privacy policy", slug="privacy", show_in_menus=True)
    make_content_page(home, title="Imprint", slug="imprint", show_in_menus=False)
    footer = client.get("/").content.decode().split('class="site-footer"')[1]
    assert '<a href="/privacy/">Privacy policy</a>' in footer
    assert "Imprint" not in footer
