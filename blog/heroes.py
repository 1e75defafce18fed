"""Generated hero images: the article title on the LeadSite brand background, as a social card.

Used by the Markdown importer when an article brings no image of its own. The output depends
only on the title and the site name (and the Pillow version), so re-importing an article finds
the image it generated last time instead of making a copy.

Call render_hero() from one thread at a time: the cached Pillow fonts are not thread-safe (the
importer renders on one worker thread, ahead of the articles it writes).
"""

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = "#0f3d3e"  # --brand in static/css/site.css
SHAPE = "#14494a"  # a shade lighter than the background: visible, not loud
ACCENT = "#fdba74"  # --focus-on-dark: the one warm touch
TEXT = "#ffffff"
MUTED = "#cfe3e1"  # --on-dark-muted

TITLE_SIZES = (76, 68, 60, 52, 46, 40)  # the first that fits in MAX_LINES wins
MAX_LINES = 4
LINE_SPACING = 1.18
SITE_NAME_SIZE = 30
PALETTE_COLOURS = 16

# Bump when the design changes, so that new imports generate (and name) new images.
DESIGN_VERSION = 1


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled font works on a server with no system fonts. The basic layout engine
    # keeps the output identical whether or not libraqm is installed.
    font = ImageFont.load_default(size=size)
    return font.font_variant(layout_engine=ImageFont.Layout.BASIC)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word too long for a line on its own is broken between letters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while font.getlength(word) > width:
            cut = _longest_prefix(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _longest_prefix(word: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """How many letters of `word` fit in `width` (at least one), by bisection."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _layout(title: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    width = WIDTH - 2 * MARGIN
    for size in TITLE_SIZES:
        font = _font(size)
        lines = _wrap(title, font, width)
        if len(lines) <= MAX_LINES:
            return font, lines
    # Very long titles: the smallest size, cut after the last line that fits.
    lines = lines[:MAX_LINES]
    last = lines[-1]
    while last and font.getlength(f"{last}…") > width:
        last = last[:-1].rstrip()
    lines[-1] = f"{last}…"
    return font, lines


def render_hero(title: str, *, site_name: str = "LeadSite") -> bytes:
    """A 1200x630 PNG: the title in large white type on dark teal, the site name small.

    Deterministic: the same title gives the same bytes (for a given Pillow version)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)

    # The accent shape: a large circle bleeding off the top right corner.
    draw.ellipse((WIDTH - 420, -300, WIDTH + 300, 420), fill=SHAPE)
    draw.rectangle((MARGIN, MARGIN, MARGIN + 96, MARGIN + 8), fill=ACCENT)

    font, lines = _layout(" ".join(title.split()) or site_name)
    ascent, descent = font.getmetrics()
    line_height = round((ascent + descent) * LINE_SPACING)
    footer_top = HEIGHT - MARGIN - SITE_NAME_SIZE
    # Centre the block of lines between the accent bar and the site name.
    top = MARGIN + 8 + (footer_top - MARGIN - 8 - line_height * len(lines)) // 2
    for n, line in enumerate(lines):
        # A one-pixel stroke in the text colour gives the regular face the weight of a title.
        draw.text(
            (MARGIN, top + n * line_height),
            line,
            font=font,
            fill=TEXT,
            stroke_width=1,
            stroke_fill=TEXT,
        )

    draw.text((MARGIN, footer_top), site_name, font=_font(SITE_NAME_SIZE), fill=MUTED)

    # A handful of flat colours and their anti-aliased edges: a 16-colour palette looks the
    # same as RGB, and makes a smaller file that encodes faster with fast compression.
    palette = image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
