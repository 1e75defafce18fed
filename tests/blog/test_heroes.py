import io

from PIL import Image

from blog.heroes import BACKGROUND, HEIGHT, MARGIN, WIDTH, _layout, render_hero


def open_png(data):
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


def test_hero_is_a_1200_by_630_png():
    assert open_png(render_hero("Gated content that works")).size == (1200, 630)


def test_hero_is_deterministic_so_reimports_find_it():
    assert render_hero("Lead scoring basics") == render_hero("Lead scoring basics")


def test_hero_shows_the_title():
    assert render_hero("Lead scoring basics") != render_hero("Webinar funnels")


def test_hero_background_is_brand_teal():
    image = open_png(render_hero("Lead scoring basics")).convert("RGB")
    expected = tuple(int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5))
    assert image.getpixel((WIDTH - 5, HEIGHT - 5)) == expected


def test_long_title_wraps_within_the_margins_in_at_most_four_lines():
    title = "Handing Leads From Marketing to Sales: SLAs, BANT and the Rejection Loop " * 3
    font, lines = _layout(title)
    assert 1 < len(lines) <= 4
    assert lines[-1].endswith("…")
    assert all(font.getlength(line) <= WIDTH - 2 * MARGIN for line in lines)


def test_word_longer_than_a_line_is_broken_not_overflowing():
    font, lines = _layout("Supercalifragilistic" * 5)
    assert all(font.getlength(line) <= WIDTH - 2 * MARGIN for line in lines)


def test_short_title_uses_the_largest_type():
    short, _ = _layout("Lead gen")
    long, _ = _layout("A considerably longer title that needs several lines to fit " * 3)
    assert short.size > long.size


def test_blank_title_still_renders():
    assert open_png(render_hero("   ")).size == (WIDTH, HEIGHT)
