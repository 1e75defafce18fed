"""Generated hero images: an abstract, on-brand composition for each article, never its title.

Used by the Markdown importer when an article brings no image of its own. The picture is
decorative (the page shows it with alt=""), so it carries no text: the title is in the <h1>
right above it. The output depends only on the title (and the Pillow version): the title seeds
the choice of palette, layout and shapes, so every article looks different, and re-importing
an article finds the image it generated last time instead of making a copy.
"""

import hashlib
import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 630
BACKGROUND = "#0f3d3e"  # --brand in static/css/site.css
PALETTE_COLOURS = 32

# Brand-related palettes: (background, three shape colours, one warm accent).
PALETTES = (
    ("#0f3d3e", ("#14494a", "#1d5e5e", "#2a7a74"), "#fdba74"),
    ("#0f3d3e", ("#173f52", "#1f5a6b", "#3b7d86"), "#f59e6b"),
    ("#0f3d3e", ("#124340", "#22604f", "#5a9a7e"), "#fcd34d"),
    ("#0f3d3e", ("#163a4a", "#245468", "#6aa3a8"), "#fb923c"),
)

# Bump when the design changes, so that new imports generate (and name) new images.
DESIGN_VERSION = 2


def _rng(title: str) -> random.Random:
    seed = hashlib.sha256(" ".join(title.split()).lower().encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))  # noqa: S311 - not for security


def _circles(draw, rng, shapes, accent):
    for _ in range(rng.randint(3, 5)):
        radius = rng.randint(120, 380)
        x, y = rng.randint(200, WIDTH + 100), rng.randint(-150, HEIGHT + 150)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rng.choice(shapes))
    radius = rng.randint(28, 60)
    x, y = rng.randint(120, WIDTH - 120), rng.randint(100, HEIGHT - 100)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=accent)


def _bands(draw, rng, shapes, accent):
    slope = rng.randint(-260, 260)
    x = rng.randint(-200, 200)
    for colour in shapes:
        width = rng.randint(140, 300)
        draw.polygon(
            [(x, HEIGHT), (x + width, HEIGHT), (x + width + slope, 0), (x + slope, 0)],
            fill=colour,
        )
        x += width + rng.randint(60, 220)
    draw.rectangle((80, HEIGHT - 96, 80 + rng.randint(90, 220), HEIGHT - 84), fill=accent)


def _grid(draw, rng, shapes, accent):
    step = rng.choice((60, 70, 84))
    lit = {(rng.randrange(WIDTH // step), rng.randrange(HEIGHT // step)) for _ in range(6)}
    for column in range(WIDTH // step + 1):
        for row in range(HEIGHT // step + 1):
            x, y = column * step + step // 2, row * step + step // 2
            if (column, row) in lit:
                size = step // 3
                draw.rounded_rectangle((x - size, y - size, x + size, y + size), 6, fill=accent)
            elif rng.random() < 0.55:
                size = rng.choice((4, 6, 9, 14))
                draw.ellipse((x - size, y - size, x + size, y + size), fill=rng.choice(shapes))


def _arcs(draw, rng, shapes, accent):
    x, y = rng.choice(((0, HEIGHT), (WIDTH, HEIGHT), (WIDTH, 0), (0, 0)))
    radius = rng.randint(140, 220)
    for n in range(rng.randint(5, 8)):
        colour = accent if n == 2 else shapes[n % len(shapes)]
        width = 10 if n == 2 else rng.randint(24, 60)
        box = (x - radius, y - radius, x + radius, y + radius)
        draw.ellipse(box, outline=colour, width=width)
        radius += rng.randint(70, 120)


COMPOSITIONS = (_circles, _bands, _grid, _arcs)


def render_hero(title: str, *, site_name: str = "LeadSite") -> bytes:
    """A 1200x630 PNG: flat brand shapes on dark teal, chosen by the title; no text.

    Deterministic: the same title gives the same bytes (for a given Pillow version).
    `site_name` is accepted for the importer's call and seeds nothing."""
    rng = _rng(title)
    background, shapes, accent = rng.choice(PALETTES)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    rng.choice(COMPOSITIONS)(draw, rng, shapes, accent)

    # Flat colours and their edges: a small palette looks the same as RGB, and makes a smaller
    # file that encodes faster with fast compression.
    palette = image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
