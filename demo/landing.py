"""The demo's campaign landing pages: the playbook eBook (the demo download CTA) and the
fixed-price quote (the demo quote CTA), each with a paid campaign of its own, and a demo
article that links to the eBook's page with an offer-link block. The logos and the portrait
are drawn here (invented companies and people). Safe to re-run: existing pages are left as the
editor left them."""

import datetime
import decimal
import io

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model

from blog.models import ArticlePage, HomePage, LandingPage
from leads.models import CallToAction, Campaign, CTAKind

from .ctas import ACCENT, BRAND, _cover

# (utm_campaign, name, spend, started days ago)
CAMPAIGNS = {
    "playbook": ("playbook-landing", "Playbook landing page on LinkedIn", "1200.00", 30),
    "quote": ("quote-landing", "Quote landing page on Google Ads", "1650.00", 21),
}

# Invented companies, drawn as simple wordmarks: (name, mark colour).
LOGOS = [
    ("Northwind Freight", (15, 61, 62)),
    ("Bluepeak Analytics", (30, 64, 120)),
    ("Quarry & Co", (90, 60, 30)),
    ("Helio Labs", (150, 60, 20)),
    ("Orbitax", (60, 40, 110)),
]


def _image(title: str, pixels: PILImage.Image, description: str):
    """The demo image with this title, drawn once."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        buffer = io.BytesIO()
        pixels.save(buffer, "PNG")
        name = title.lower().replace(" ", "-").replace("&", "and").replace(":", "")
        image = Image(title=title, description=description)
        image.file = ImageFile(buffer, name=f"{name}.png")
        image.save()
    return image


def _wordmark(name: str, colour) -> PILImage.Image:
    font = ImageFont.load_default(size=34)
    width = int(font.getlength(name)) + 84
    pixels = PILImage.new("RGBA", (width, 80), (255, 255, 255, 0))
    draw = ImageDraw.Draw(pixels)
    draw.rounded_rectangle((4, 18, 48, 62), radius=10, fill=colour)
    draw.text((16, 20), name[0], font=font, fill="white")
    draw.text((64, 20), name, font=font, fill=colour)
    return pixels


def _portrait(initials: str) -> PILImage.Image:
    pixels = PILImage.new("RGB", (224, 224), ACCENT)
    draw = ImageDraw.Draw(pixels)
    draw.ellipse((-40, 120, 264, 420), fill=BRAND)
    font = ImageFont.load_default(size=80)
    draw.text((112, 80), initials, font=font, fill=BRAND, anchor="mm")
    return pixels


def _quote_sheet() -> PILImage.Image:
    """A one-page quote, drawn: a heading, three ticked items and a fixed price."""
    pixels = PILImage.new("RGB", (720, 640), (238, 245, 244))
    draw = ImageDraw.Draw(pixels)
    draw.rounded_rectangle((60, 40, 660, 600), radius=22, fill="white", outline=(207, 219, 218))
    draw.rounded_rectangle((60, 40, 660, 150), radius=22, fill=BRAND)
    draw.rectangle((60, 120, 660, 150), fill=BRAND)
    heading, body = ImageFont.load_default(size=46), ImageFont.load_default(size=40)
    draw.text((100, 70), "Your quote", font=heading, fill="white")
    for n, item in enumerate(("Forms and consent", "Scoring rules", "CRM handoff")):
        y = 190 + n * 90
        draw.ellipse((100, y, 150, y + 50), fill=BRAND)
        draw.line((112, y + 26, 122, y + 36, 139, y + 15), fill="white", width=6)
        draw.text((172, y + 2), item, font=body, fill=(27, 35, 36))
    draw.line((100, 470, 620, 470), fill=(207, 219, 218), width=3)
    draw.text((100, 505), "Fixed price", font=body, fill=(68, 80, 79))
    draw.rounded_rectangle((400, 492, 620, 560), radius=12, fill=ACCENT)
    draw.text((510, 527), "2 weeks", font=body, fill=BRAND, anchor="mm")
    return pixels


def demo_logos() -> list[dict]:
    return [
        {"image": _image(f"Logo: {name}", _wordmark(name, colour), name), "alt_text": name}
        for name, colour in LOGOS
    ]


def playbook_cover():
    cover = _cover(ImageFont.load_default(size=80), ImageFont.load_default(size=28))
    return _image(
        "Lead Scoring Playbook cover",
        cover,
        "Cover of The Lead Scoring Playbook: what to score, how much, and when a lead is ready "
        "for a call",
    )


def demo_campaign(key: str) -> Campaign:
    utm_campaign, name, spend, started = CAMPAIGNS[key]
    campaign, _ = Campaign.objects.get_or_create(
        utm_campaign=utm_campaign,
        defaults={
            "name": name,
            "spend": decimal.Decimal(spend),
            "started_on": timezone.localdate() - datetime.timedelta(days=started),
        },
    )
    return campaign


def playbook_page(cta: CallToAction, logos: list[dict]) -> dict:
    return {
        "title": "The Lead Scoring Playbook",
        "slug": "lead-scoring-playbook",
        "heading": "Know which leads to call first",
        "sub_heading": "A free eight-page playbook for marketing and sales: what to score, how "
        "much each signal is worth, and the one number that sends a lead to a salesperson.",
        "search_description": "A free playbook on lead scoring for B2B teams: fit, interest, "
        "decay and the handoff threshold, with a worksheet for your first model.",
        "hero_image": playbook_cover(),
        "cta": cta,
        "campaign": demo_campaign("playbook"),
        "thanks_heading": "While the playbook downloads",
        "thanks_text": "<p>Chapter 6 is a worksheet: book thirty minutes with whoever answers "
        "your sales calls and fill it in together. Then read "
        '<a href="/posts/lead-scoring-without-data-science/">lead scoring without data '
        "science</a> for the reasoning behind each rule.</p>",
        "body": [
            (
                "logos",
                {"heading": "Read by revenue teams at", "logos": logos},
            ),
            (
                "benefits",
                {
                    "heading": "What is inside",
                    "items": [
                        {
                            "title": "A model in one sitting",
                            "text": "Five to eight rules you can explain in a sentence each, "
                            "with points from a worked example.",
                        },
                        {
                            "title": "Fit and interest, apart",
                            "text": "Who the lead is and what they did, scored separately so "
                            "a busy intern never outranks a ready buyer.",
                        },
                        {
                            "title": "Decay built in",
                            "text": "Engagement that fades by half every thirty days, so old "
                            "downloads stop looking hot.",
                        },
                        {
                            "title": "A handoff sales agrees to",
                            "text": "One threshold, one owner and a first call within a "
                            "working day, written down with a date.",
                        },
                    ],
                },
            ),
            (
                "testimonial",
                {
                    "quote": "We had scored leads for two years and nobody trusted the number. "
                    "Six rules from the playbook, one afternoon with sales, and reps now "
                    "start their morning with the list.",
                    "person": "Mara Lindqvist",
                    "role": "Marketing operations lead, Northwind Freight (demo)",
                    "photo": _image("Portrait: Mara Lindqvist", _portrait("ML"), ""),
                },
            ),
            (
                "faq",
                {
                    "heading": "Questions before you download",
                    "items": [
                        {
                            "question": "Is it really free?",
                            "answer": "<p>Yes. You give us a name and a work email; we send "
                            "the PDF there and show the download link straight away.</p>",
                        },
                        {
                            "question": "Will I get sales calls?",
                            "answer": "<p>No. A download alone never reaches a salesperson. "
                            "If you tick the box you get occasional related guides, and "
                            "every email has a one-click unsubscribe.</p>",
                        },
                        {
                            "question": "Do I need a CRM or scoring software?",
                            "answer": "<p>No. The worksheet works on paper or in a "
                            "spreadsheet; any CRM with custom fields can hold the result.</p>",
                        },
                        {
                            "question": "How long is it?",
                            "answer": "<p>Eight A5 pages: twenty minutes to read, thirty to "
                            "fill in the worksheet with sales.</p>",
                        },
                    ],
                },
            ),
        ],
    }


def quote_page(cta: CallToAction, logos: list[dict]) -> dict:
    return {
        "title": "Lead capture setup, fixed price",
        "slug": "lead-capture-setup",
        "heading": "Lead capture that sales trusts, live in two weeks",
        "sub_heading": "Tell us about your funnel and get a fixed-price quote within two "
        "working days: forms, consent, scoring and the handoff, set up on your site.",
        "search_description": "A fixed-price setup of B2B lead capture: forms, consent "
        "records, scoring and the marketing-to-sales handoff.",
        "hero_image": _image(
            "Fixed-price quote illustration",
            _quote_sheet(),
            "A one-page quote: forms and consent, scoring rules and the CRM handoff, at a "
            "fixed price, live in two weeks",
        ),
        "cta": cta,
        "campaign": demo_campaign("quote"),
        # Reached from paid search only: kept out of search engines' results.
        "noindex": True,
        "thanks_heading": "What happens next",
        "thanks_text": "<p>A consultant reads your answers today and may email you one or two "
        "questions. Your quote follows within two working days, with a fixed price and a "
        "start date. Nothing is booked until you say yes.</p>",
        "body": [
            (
                "benefits",
                {
                    "heading": "What the setup includes",
                    "items": [
                        {
                            "title": "Forms that ask less",
                            "text": "A download, quote, newsletter and webinar form, each "
                            "asking only what its purpose needs.",
                        },
                        {
                            "title": "Consent you can prove",
                            "text": "The exact wording each person saw, stored with their "
                            "request and ready for an audit.",
                        },
                        {
                            "title": "Scoring with reasons",
                            "text": "Rules your sales team agreed to, with the score "
                            "explained on every lead.",
                        },
                        {
                            "title": "A same-day handoff",
                            "text": "Hot leads reach a named owner at once, by email or in "
                            "your CRM.",
                        },
                        {
                            "title": "Campaign costs in view",
                            "text": "Cost per lead per campaign, from UTM links and your ad "
                            "spend, without tracking cookies.",
                        },
                        {
                            "title": "A handover, not a black box",
                            "text": "Your team edits every form and rule afterwards; we "
                            "leave notes on each choice.",
                        },
                    ],
                },
            ),
            (
                "section",
                "<h2>How it works</h2><ol><li>You answer six questions in the form above."
                "</li><li>We send a fixed price and a start date within two working days."
                "</li><li>Two weeks later your forms are live, and sales has the first "
                "scored leads.</li></ol>",
            ),
            (
                "testimonial",
                {
                    "quote": "The quote was one page and the price did not move. Two weeks "
                    "later our quote requests arrived scored, with the campaign they came "
                    "from.",
                    "person": "Tomás Eriksen",
                    "role": "Head of Sales, Bluepeak Analytics (demo)",
                    "photo": _image("Portrait: Tomás Eriksen", _portrait("TE"), ""),
                },
            ),
            ("logos", {"heading": "Set up for teams at", "logos": logos}),
            (
                "faq",
                {
                    "heading": "Frequently asked questions",
                    "items": [
                        {
                            "question": "What does a setup cost?",
                            "answer": "<p>Most setups fall between the budget ranges in the "
                            "form; the quote gives one fixed price for your site.</p>",
                        },
                        {
                            "question": "Which sites and CRMs do you work with?",
                            "answer": "<p>Any site that can show a form, and any CRM that "
                            "accepts a webhook or a CSV import.</p>",
                        },
                        {
                            "question": "Who sees what I send?",
                            "answer": "<p>One consultant and the sales lead who prepares "
                            'the quote. Read the <a href="/privacy/">privacy policy</a> for '
                            "how long it is kept.</p>",
                        },
                    ],
                },
            ),
        ],
    }


def ensure_landing_page(home: HomePage, fields: dict) -> LandingPage:
    page = LandingPage.objects.child_of(home).filter(slug=fields["slug"]).first()
    if page is None:
        page = home.add_child(instance=LandingPage(**fields))
        page.save_revision(log_action=True).publish()
    return page


def link_article_to(slug: str, page: LandingPage, *, after_sections: int = 2) -> None:
    """Put an offer link to `page` in the article's body after its n-th text section, once."""
    article = ArticlePage.objects.filter(slug=slug).first()
    if article is None:
        return
    raw = list(article.body.raw_data)
    if any(block["type"] == "offer_link" for block in raw):
        return
    sections = [i for i, block in enumerate(raw) if block["type"] == "section"]
    position = sections[min(after_sections, len(sections)) - 1] + 1 if sections else len(raw)
    raw.insert(
        position,
        {
            "type": "offer_link",
            "value": {
                "page": page.pk,
                "link_text": "Get the Lead Scoring Playbook →",
                "teaser": "Free, eight pages: the scoring rules and the handoff, ready for "
                "Monday's meeting with sales.",
            },
        },
    )
    article.body = raw
    article.save_revision(log_action=True).publish()


@transaction.atomic
def ensure_demo_landing_pages(ctas: dict[str, CallToAction]) -> list[LandingPage]:
    """The two demo landing pages under home (the playbook, the quote), their campaigns, and
    an offer link to the playbook's page in the handoff article."""
    home = HomePage.objects.first()
    logos = demo_logos()
    pages = [
        ensure_landing_page(home, playbook_page(ctas[CTAKind.DOWNLOAD], logos)),
        ensure_landing_page(home, quote_page(ctas[CTAKind.QUOTE], logos)),
    ]
    link_article_to("marketing-to-sales-handoff", pages[0])
    return pages
