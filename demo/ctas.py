"""The demo calls to action, one of each kind, and where the demo articles show them (in an
article body, after articles, by topic, on the home page); the download gates a small, real
PDF drawn here. Safe to re-run."""

import datetime
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from taggit.models import Tag
from wagtail.documents.models import Document

from blog.models import ArticlePage, HomePage
from leads import services
from leads.models import CallToAction, CTAKind, TopicCTA

PLAYBOOK_TITLE = "The Lead Scoring Playbook"
PLAYBOOK_PAGES = [
    (
        "The Lead Scoring Playbook",
        [
            "A LeadSite demo whitepaper.",
            "",
            "1. Score what predicts a sale, not what is easy to count.",
            "2. Give a quote request more weight than a newsletter signup.",
            "3. Let engagement points decay: last year's download is not interest today.",
            "4. Write the threshold down, and agree it with sales.",
        ],
    ),
    (
        "A worked example",
        [
            "Quote request            +40",
            "Business email domain    +10",
            "Second visit this week   +5",
            "Decay (30-day half-life) -6",
            "",
            "Total: 49, under the 50-point threshold: nurture, do not call yet.",
        ],
    ),
]


def playbook_pdf() -> bytes:
    """A small, real PDF (two A5 pages of text), drawn with Pillow."""
    font = ImageFont.load_default(size=22)
    heading = ImageFont.load_default(size=36)
    pages = []
    for title, lines in PLAYBOOK_PAGES:
        page = Image.new("RGB", (874, 1240), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle([(0, 0), (874, 120)], fill=(15, 61, 62))
        draw.text((60, 40), title, font=heading, fill="white")
        for number, line in enumerate(lines):
            draw.text((60, 200 + number * 44), line, font=font, fill=(27, 27, 27))
        pages.append(page)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return buffer.getvalue()


def playbook_document() -> Document:
    document = Document.objects.filter(title=PLAYBOOK_TITLE).first()
    if document is None:
        document = Document(title=PLAYBOOK_TITLE)
        document.file.save("lead-scoring-playbook.pdf", ContentFile(playbook_pdf()), save=False)
        document.file_size = document.file.size
        document.save()
    return document


PRIVACY_URL = "/privacy/"
# One pattern for every demo form: what is stored and why, the way out, the privacy policy.
# Downloads and the newsletter ask with a tick box (the sentence is its label); quotes and
# webinars show it as a notice above the button (leads/kinds.py decides which).
CONSENT_ASKED = (
    "I agree that LeadSite may store my name and email to {purpose}. I can unsubscribe at any "
    "time. Read our [privacy policy]({privacy})."
)
CONSENT_NOTICE = (
    "By sending this form I agree that LeadSite may store my details to {purpose}. I can ask "
    "for them to be erased at any time. Read our [privacy policy]({privacy})."
)


def consent_wording(pattern: str, purpose: str) -> str:
    return pattern.format(purpose=purpose, privacy=PRIVACY_URL)


def demo_ctas() -> dict[str, CallToAction]:
    next_month = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    specs = {
        CTAKind.DOWNLOAD: {
            "title": "Lead scoring playbook (PDF)",
            "headline": "Get the Lead Scoring Playbook",
            "text": "Two pages you can hand to sales on Monday: what to score, how much, and "
            "when a lead is ready for a call.",
            "thank_you_message": "Thank you! Your playbook is ready.",
            "confirmation_email_text": "Here is the playbook you asked for. Reply to this "
            "email if you would like us to look at your own scoring model.",
            "document": playbook_document(),
            "consent_text": consent_wording(
                CONSENT_ASKED, "send me the playbook and occasional related guides"
            ),
        },
        CTAKind.QUOTE: {
            "title": "Free quote: lead capture setup",
            "headline": "Want this running on your site?",
            "text": "Tell us about your funnel and we will send a fixed-price quote within two "
            "working days.",
            "thank_you_message": "Thank you! We will send your quote within two working days.",
            "confirmation_email_text": "We have your request and a consultant is reading it. "
            "Expect your quote within two working days.",
            "consent_text": consent_wording(CONSENT_NOTICE, "prepare and send my quote"),
        },
        CTAKind.NEWSLETTER: {
            "title": "Newsletter: The Qualified Lead",
            "headline": "The Qualified Lead, every other Tuesday",
            "text": "One practical idea on turning readers into pipeline. No tracking pixels, "
            "unsubscribe in one click.",
            "thank_you_message": "Almost there: please confirm your email address.",
            "consent_text": consent_wording(CONSENT_ASKED, "send me the newsletter"),
        },
        CTAKind.WEBINAR: {
            "title": "Webinar: handoff that sales trusts",
            "headline": "Live: a marketing-to-sales handoff that sales trusts",
            "text": "45 minutes, one worked example, your questions answered live.",
            "thank_you_message": "Your seat is reserved. We will email you the joining link.",
            "confirmation_email_text": "Your seat is reserved. The joining link follows a day "
            "before the session.",
            "event_starts_at": next_month + datetime.timedelta(days=30),
            "seat_limit": 100,
            "consent_text": consent_wording(
                CONSENT_NOTICE, "reserve my seat and send me the joining link"
            ),
        },
    }
    ctas = {}
    for kind, fields in specs.items():
        cta = CallToAction.objects.filter(kind=kind, title=fields["title"]).first()
        if cta is None:
            cta = CallToAction(kind=kind, **fields)
            cta.full_clean()
            cta.save()
            services.consent_text_record(cta)
        elif cta.consent_text != fields["consent_text"]:
            # A demo from before the privacy page: the wording that links to it.
            cta.consent_text = fields["consent_text"]
            cta.save(update_fields=["consent_text", "updated_at"])
            services.consent_text_record(cta)
        ctas[kind] = cta
    return ctas


def place_in_body(article: ArticlePage, cta: CallToAction, *, after_sections: int = 2) -> None:
    """Put the CTA in the article's body after its n-th text section, once, and publish."""
    raw = list(article.body.raw_data)
    if any(block["type"] == "cta" and block["value"] == cta.pk for block in raw):
        return
    sections = [i for i, block in enumerate(raw) if block["type"] == "section"]
    position = sections[min(after_sections, len(sections)) - 1] + 1 if sections else len(raw)
    raw.insert(position, {"type": "cta", "value": cta.pk})
    article.body = raw
    article.save_revision(log_action=True).publish()


def set_field(page, name: str, cta: CallToAction) -> None:
    if getattr(page, f"{name}_id") != cta.pk:
        setattr(page, name, cta)
        page.save_revision(log_action=True).publish()


@transaction.atomic
def ensure_demo_ctas() -> dict[str, CallToAction]:
    """The four demo CTAs, placed: in an article body, after articles, by topic, on the home."""
    ctas = demo_ctas()
    articles = {page.slug: page for page in ArticlePage.objects.all()}
    if "gated-content-worth-an-email" in articles:
        place_in_body(articles["gated-content-worth-an-email"], ctas[CTAKind.DOWNLOAD])
    if "lead-scoring-without-data-science" in articles:
        set_field(articles["lead-scoring-without-data-science"], "cta", ctas[CTAKind.DOWNLOAD])
    if "quote-request-forms-sales-love" in articles:
        set_field(articles["quote-request-forms-sales-love"], "cta", ctas[CTAKind.QUOTE])
    if "webinar-funnels" in articles:
        set_field(articles["webinar-funnels"], "cta", ctas[CTAKind.WEBINAR])
    if "marketing-to-sales-handoff" in articles:
        set_field(articles["marketing-to-sales-handoff"], "cta", ctas[CTAKind.WEBINAR])
    # Every other article on a topic gets the newsletter after its body.
    for name in ("lead generation", "content marketing"):
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is not None:
            TopicCTA.objects.get_or_create(tag=tag, defaults={"cta": ctas[CTAKind.NEWSLETTER]})
    home = HomePage.objects.first()
    if home is not None:
        set_field(home, "featured_cta", ctas[CTAKind.NEWSLETTER])
    return ctas
