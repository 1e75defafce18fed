"""Body blocks render what editors expect, with nothing loaded from third parties."""

import re

import pytest
from PIL import Image as PILImage
from wagtail.embeds.models import Embed

from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def test_embed_shows_a_link_with_its_title_and_loads_nothing_from_the_provider(
    client, article_index
):
    url = "https://www.youtube.com/watch?v=abc123"
    Embed.objects.create(
        url=url,
        max_width=None,
        type="video",
        html='<iframe src="https://www.youtube.com/embed/abc123"></iframe>',
        title="Shorter forms, more leads",
        provider_name="YouTube",
    )
    article = make_article(article_index, body=[("embed", url)])
    html = client.get(article.url).content.decode()
    assert f'href="{url}"' in html
    assert "Watch &ldquo;Shorter forms, more leads&rdquo;" in html and "Opens on YouTube" in html
    assert "<iframe" not in html
    assert not re.search(r'src="https?://(?!testserver)', html)


def test_figure_uses_its_own_alt_text_then_the_image_description(client, article_index):
    image = make_image(description="Library description")
    article = make_article(
        article_index,
        body=[
            ("image", {"image": image, "alt_text": "Block alt", "caption": "A caption"}),
            ("image", {"image": image, "alt_text": "", "caption": ""}),
        ],
    )
    html = client.get(article.url).content.decode()
    figures = re.findall(r'<figure class="figure">\s*(<img[^>]+>)', html)
    assert 'alt="Block alt"' in figures[0] and 'alt="Library description"' in figures[1]
    assert all('loading="lazy"' in img and "srcset=" in img for img in figures)
    assert "<figcaption>A caption</figcaption>" in html


def test_hero_crops_keep_the_focal_point_in_frame(article_index):
    # A wide image: red on the left, blue on the right; the focal point is on the blue side.
    pixels = PILImage.new("RGB", (1200, 400), (255, 0, 0))
    pixels.paste((0, 0, 255), (900, 0, 1200, 400))
    image = make_image(pixels=pixels)
    image.focal_point_x, image.focal_point_y = 1050, 200
    image.focal_point_width, image.focal_point_height = 200, 200
    image.save()

    rendition = image.get_rendition("fill-300x300")
    with rendition.file.open() as f:
        centre = PILImage.open(f).convert("RGB").getpixel((150, 150))
    assert centre == (0, 0, 255)


def test_small_figures_list_each_width_once_in_srcset(client, article_index):
    # Wagtail never upscales: 800 and 1200 wide both come out 700 wide for this image.
    image = make_image(width=700, height=400)
    article = make_article(
        article_index, body=[("image", {"image": image, "alt_text": "Chart", "caption": ""})]
    )
    html = client.get(article.url).content.decode()
    img = re.search(r'<figure class="figure">\s*(<img[^>]+>)', html).group(1)
    assert re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', img).group(1)) == ["480", "700"]


def test_offer_link_sends_readers_to_the_landing_page(client, home, article_index):
    from tests.factories import make_landing_page

    offer = make_landing_page(home, title="Scoring checklist", slug="checklist")
    block = {"page": offer, "link_text": "Get the checklist →", "teaser": "Twelve checks."}
    article = make_article(article_index, body=[("offer_link", block)])
    html = client.get(article.url).content.decode()
    card = re.search(r'<div class="offer-link">.*?</div>', html, flags=re.DOTALL)[0]
    assert '<a class="offer-link__link" href="/checklist/">Get the checklist →</a>' in card
    assert "Twelve checks." in card


def test_offer_link_to_an_unpublished_landing_page_shows_nothing(client, home, article_index):
    from tests.factories import make_landing_page

    offer = make_landing_page(home, live=False)
    block = {"page": offer, "link_text": "Get the checklist →", "teaser": ""}
    article = make_article(article_index, body=[("offer_link", block)])
    assert "offer-link" not in client.get(article.url).content.decode()
