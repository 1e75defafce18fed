"""Where an article shows its offers: a gated download early, after the introduction; the CTA
after the article never right under a form at the end of the body."""

import datetime
import itertools
import re

import pytest

from tests.factories import make_article, make_cta, make_document

pytestmark = pytest.mark.django_db

INTRO = "<p>The introduction of the article.</p>"


def html_of(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_gated_offer_comes_after_the_introduction_before_the_body(client, article_index):
    offer = make_cta("download", document=make_document("Checklist"))
    body = [("section", f"{INTRO}<h2>Chapter one</h2><p>Body text.</p>")]
    html = html_of(client, make_article(article_index, "Scoring", body=body, cta=offer))
    summary = html.index("A short summary of the article.")
    form = html.index(f'action="/leads/cta/{offer.pk}/submit/"')
    assert summary < form < html.index("<p>Body text.</p>")


def test_offer_shows_its_cover_and_facts(client, article_index):
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Page >>\n2 0 obj << /Type /Page >>\n/Type /Pages\n"
    offer = make_cta("download", document=make_document("Checklist", content=pdf))
    html = html_of(client, make_article(article_index, body=[("section", INTRO)], cta=offer))
    assert 'class="offer__cover" aria-hidden="true"' in html
    assert "<li>2 pages</li>" in html
    assert "<li>PDF</li>" in html


def forms_in_order(html):
    """Each CTA box, and whether anything a reader reads sits between it and the one before."""
    boxes = [m.start() for m in re.finditer(r'<section class="cta cta--', html)]
    gaps = []
    for before, after in itertools.pairwise(boxes):
        between = html[html.index("</section>", before) : after]
        gaps.append(bool(re.search(r"<(nav|p|h2|li)\b", between)))
    return boxes, gaps


def test_no_closing_form_right_under_an_offer_that_ends_the_body(client, article_index):
    download = make_cta("download", document=make_document())
    newsletter = make_cta("newsletter")
    body = [("section", INTRO), ("cta", download)]
    html = html_of(client, make_article(article_index, body=body, cta=newsletter))
    boxes, _ = forms_in_order(html)
    assert len(boxes) == 1
    assert f'action="/leads/cta/{newsletter.pk}/submit/"' not in html


def test_closing_form_after_an_offer_that_ends_the_body_comes_after_the_navigation(
    client, article_index
):
    download = make_cta("download", document=make_document())
    newsletter = make_cta("newsletter")
    make_article(article_index, "An older article", date=datetime.date(2020, 1, 1))
    body = [("section", INTRO), ("cta", download)]
    html = html_of(client, make_article(article_index, body=body, cta=newsletter))
    boxes, gaps = forms_in_order(html)
    assert len(boxes) == 2
    assert all(gaps)  # the previous-article link sits between them
    assert html.index('rel="prev"') < html.index(f'action="/leads/cta/{newsletter.pk}/submit/"')


def test_no_two_forms_are_adjacent_with_an_offer_in_the_body(client, article_index):
    download = make_cta("download", document=make_document())
    newsletter = make_cta("newsletter")
    body = [("section", INTRO), ("cta", download), ("section", "<p>More to read.</p>")]
    html = html_of(client, make_article(article_index, body=body, cta=newsletter))
    boxes, gaps = forms_in_order(html)
    assert len(boxes) == 2
    assert all(gaps)


def test_closing_cta_is_not_the_offer_shown_early(client, article_index):
    offer = make_cta("download", document=make_document())
    html = html_of(client, make_article(article_index, body=[("section", INTRO)], cta=offer))
    assert html.count(f'action="/leads/cta/{offer.pk}/submit/"') == 1
    assert "article__closing" not in html
