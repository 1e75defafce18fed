import io

from PIL import Image

from blog.heroes import BACKGROUND, HEIGHT, WIDTH, render_hero


def open_png(data):
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


def test_hero_is_a_1200_by_630_png():
    assert open_png(render_hero("Gated content that works")).size == (1200, 630)


def test_hero_is_deterministic_so_reimports_find_it():
    assert render_hero("Lead scoring basics") == render_hero("Lead scoring basics")


def test_heroes_differ_between_articles():
    titles = ["Lead scoring basics", "Webinar funnels", "Forms that convert", "SEO for B2B"]
    assert len({render_hero(title) for title in titles}) == len(titles)


def test_hero_does_not_depend_on_the_site_name_it_never_draws():
    assert render_hero("Webinar funnels", site_name="A") == render_hero("Webinar funnels")


def test_hero_is_on_the_brand_background():
    image = open_png(render_hero("Lead scoring basics")).convert("RGB")
    expected = tuple(int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5))
    colours = image.getcolors(maxcolors=256)
    assert max(colours)[1] == expected or expected in {colour for _, colour in colours}


def test_blank_title_still_renders():
    assert open_png(render_hero("   ")).size == (WIDTH, HEIGHT)
