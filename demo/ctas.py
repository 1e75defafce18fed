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
from leads.models import CallToAction, CTAKind, MailingList, TopicCTA
from leads.services.subscriptions import DEFAULT_LIST_SLUG

from .questions import DOWNLOAD_QUESTIONS, QUOTE_QUESTIONS

PLAYBOOK_TITLE = "The Lead Scoring Playbook"

# The playbook's text, written for the demo: a cover, contents, four short chapters and a
# worksheet, each an A5 page. A heading, then paragraphs; a line starting with "- " is a bullet,
# one starting with "| " a row of a table (cells split on " | "), "___" a line to write on.
PLAYBOOK_PAGES = [
    (
        "Contents",
        [
            "1. Why score leads at all ................ 3",
            "2. Fit: who the lead is ...................... 4",
            "3. Interest: what the lead did ............ 5",
            "4. Thresholds and the handoff .............. 6",
            "5. A worked example ........................... 7",
            "6. Worksheet: your first model ............ 8",
            "",
            "Read it in twenty minutes, then fill in the worksheet with the person who "
            "answers your sales calls. The model you agree on together beats a clever one "
            "that only marketing believes in.",
        ],
    ),
    (
        "1. Why score leads at all",
        [
            "A salesperson has perhaps fifteen good calls in a day. Every lead that reaches "
            "them uncalled-for spends one of those calls, and every ready buyer left in a "
            "newsletter list is a sale that goes to the competitor who answered first.",
            "A score is a promise between two teams: marketing hands over a lead when it "
            "crosses a line, and sales calls it within a day. Nothing more clever than that.",
            "- Keep it small: five to eight rules you can explain in a sentence each.",
            "- Keep it visible: the score and its reasons on the lead, not in a spreadsheet.",
            "- Keep it honest: review it every quarter against deals that actually closed.",
        ],
    ),
    (
        "2. Fit: who the lead is",
        [
            "Fit is what the lead would be even if they never came back: their company, "
            "their role, their budget. It changes slowly and it is often given in the form.",
            "- A business email domain says more than a free mailbox.",
            "- A stated budget in your range is worth more than any page view.",
            '- A timeline of "this quarter" beats "just researching".',
            "Ask only what you will use. Every extra field costs you signups; a field that "
            "never changes a score or a conversation should go.",
        ],
    ),
    (
        "3. Interest: what the lead did",
        [
            "Interest is behaviour: a quote request, a webinar attended, a second download. "
            "Weight it by intent. Asking for a price is a hand raised; reading an article is "
            "a nod from across the room.",
            "- Quote or demo request: high.",
            "- Webinar registration, pricing page visit: medium.",
            "- eBook download, newsletter signup: low, but it adds up.",
            "Interest fades. Let engagement points decay, for example by half every thirty "
            "days, so that last spring's download does not make a lead look hot today.",
        ],
    ),
    (
        "4. Thresholds and the handoff",
        [
            "Pick one number above which a lead goes to sales, and write it down with the "
            "date you chose it. Start where roughly one lead in five crosses it; adjust after "
            "a month of calls, not after a single bad one.",
            "- Below the line: nurture with useful content, no calls.",
            "- Above the line: a named owner and a first call within one working day.",
            "- Rejected by sales: record why, so the model can learn from it.",
            "The rejection reasons are the most valuable data you will collect. Read them "
            "together once a month.",
        ],
    ),
    (
        "5. A worked example",
        [
            "Dana, operations lead at a logistics firm, requests a quote with a budget of "
            "10-50k and a timeline of this quarter. She downloaded this playbook three weeks ago.",
            "| Quote request | +40",
            "| Business email domain | +10",
            "| Budget in range | +15",
            "| Download, 21 days ago (decayed) | +4",
            "| Total | 69",
            "Over a threshold of 50: Dana gets an owner today and a call tomorrow morning. "
            "Without the quote request she would score 29 and stay in nurture.",
        ],
    ),
    (
        "6. Worksheet: your first model",
        [
            "Fill this in with sales. One line per rule; points from 1 to 50.",
            "| Rule | Points",
            "___",
            "___",
            "___",
            "___",
            "___",
            "Handoff threshold: ________   Agreed on: ____________",
            "First review date: ____________",
        ],
    ),
]

PAGE_SIZE = (874, 1240)  # A5 at 150 dpi
BRAND = (15, 61, 62)  # --brand in static/css/site.css
ACCENT = (253, 186, 116)
INK = (27, 27, 27)
MUTED = (90, 100, 100)


def _wrap(text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def _cover(title_font, body_font) -> Image.Image:
    page = Image.new("RGB", PAGE_SIZE, BRAND)
    draw = ImageDraw.Draw(page)
    width, height = PAGE_SIZE
    draw.ellipse((width - 420, -260, width + 260, 420), fill=(20, 73, 74))
    draw.ellipse((-200, height - 420, 360, height + 140), fill=(24, 86, 86))
    draw.rectangle((70, 360, 170, 370), fill=ACCENT)
    for n, line in enumerate(("The Lead", "Scoring", "Playbook")):
        draw.text((70, 400 + n * 84), line, font=title_font, fill="white")
    draw.text((70, 680), "What to score, how much, and when", font=body_font, fill=(207, 227, 225))
    draw.text((70, 716), "a lead is ready for a call.", font=body_font, fill=(207, 227, 225))
    draw.text((70, height - 110), "LeadSite  ·  Field guide no. 1", font=body_font, fill="white")
    return page


def _text_page(number: int, title: str, paragraphs: list[str], fonts) -> Image.Image:
    heading, body, small = fonts
    page = Image.new("RGB", PAGE_SIZE, "white")
    draw = ImageDraw.Draw(page)
    width, height = PAGE_SIZE
    left, right = 70, width - 70
    draw.rectangle((0, 0, width, 14), fill=BRAND)
    draw.rectangle((left, 80, left + 60, 86), fill=ACCENT)
    y = 110
    for line in _wrap(title, heading, right - left):
        draw.text((left, y), line, font=heading, fill=BRAND)
        y += 52
    y += 26
    for paragraph in paragraphs:
        if paragraph.startswith("| "):
            cells = paragraph[2:].split(" | ")
            draw.text((left + 10, y), cells[0], font=body, fill=INK)
            if len(cells) > 1:
                draw.text((right - 10 - body.getlength(cells[1]), y), cells[1], font=body, fill=INK)
            y += 42
            draw.line((left, y - 6, right, y - 6), fill=(210, 220, 220), width=1)
            continue
        if paragraph == "___":
            y += 40
            draw.line((left, y, right, y), fill=MUTED, width=1)
            y += 12
            continue
        indent = 30 if paragraph.startswith("- ") else 0
        if indent:
            draw.ellipse((left + 6, y + 12, left + 14, y + 20), fill=BRAND)
            paragraph = paragraph[2:]
        for line in _wrap(paragraph, body, right - left - indent):
            draw.text((left + indent, y), line, font=body, fill=INK)
            y += 34
        y += 16 if paragraph else 10
    draw.text((left, height - 70), PLAYBOOK_TITLE, font=small, fill=MUTED)
    label = str(number)
    draw.text((right - small.getlength(label), height - 70), label, font=small, fill=MUTED)
    return page


def playbook_pdf() -> bytes:
    """The demo's gated eBook: eight A5 pages (a cover, contents, chapters on scoring leads and
    a worksheet), drawn with Pillow. Deterministic, so a re-run finds the same document."""
    title_font = ImageFont.load_default(size=80)
    fonts = (
        ImageFont.load_default(size=40),
        ImageFont.load_default(size=23),
        ImageFont.load_default(size=18),
    )
    pages = [_cover(title_font, ImageFont.load_default(size=28))]
    pages += [
        _text_page(number, title, paragraphs, fonts)
        for number, (title, paragraphs) in enumerate(PLAYBOOK_PAGES, start=2)
    ]
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
# Where the demo webinar's registrants join it (an invented meeting address).
WEBINAR_JOINING_URL = "https://meet.example.com/leadsite/handoff-that-sales-trusts"
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
            "text": "Eight pages you can hand to sales on Monday: what to score, how much, "
            "and when a lead is ready for a call, with a worksheet for your first model.",
            "thank_you_message": "Your playbook is ready.",
            "confirmation_email_text": "Here is the playbook you asked for. Reply to this "
            "email if you would like us to look at your own scoring model.",
            "document": playbook_document(),
            "consent_text": consent_wording(
                CONSENT_ASKED, "send me the playbook and occasional related guides"
            ),
            "questions": DOWNLOAD_QUESTIONS,
        },
        CTAKind.QUOTE: {
            "title": "Free quote: lead capture setup",
            "headline": "Want this running on your site?",
            "text": "Tell us about your funnel and we will send a fixed-price quote within two "
            "working days.",
            "thank_you_message": "A consultant will send your fixed-price quote within two "
            "working days.",
            "confirmation_email_text": "We have your request and a consultant is reading it. "
            "Expect your quote within two working days.",
            "consent_text": consent_wording(CONSENT_NOTICE, "prepare and send my quote"),
            "questions": QUOTE_QUESTIONS,
        },
        CTAKind.NEWSLETTER: {
            "title": "Newsletter: The Qualified Lead",
            "headline": "The Qualified Lead, every other Tuesday",
            "text": "One practical idea on turning readers into pipeline. No tracking pixels, "
            "unsubscribe in one click.",
            "thank_you_message": "Almost there: please confirm your email address.",
            "email_subject": "Please confirm your subscription to The Qualified Lead",
            "consent_text": consent_wording(CONSENT_ASKED, "send me the newsletter"),
            # The site's newsletter list (leads migration 0020 creates it).
            "mailing_list": MailingList.objects.get_or_create(
                slug=DEFAULT_LIST_SLUG, defaults={"name": "Newsletter"}
            )[0],
        },
        CTAKind.WEBINAR: {
            "title": "Webinar: handoff that sales trusts",
            "headline": "Live: a marketing-to-sales handoff that sales trusts",
            "text": "45 minutes, one worked example, your questions answered live.",
            "thank_you_message": "Your seat is reserved. We will email you the joining link.",
            "email_subject": "Your seat at the live session: a handoff that sales trusts",
            "confirmation_email_text": "Your seat is reserved. Bring one question about your "
            "own handoff: we answer as many as we can live.",
            # demo/mailings.py moves it to just after the demo starts (webinar_restart), so
            # that `make run` shows its reminders going out.
            "event_starts_at": next_month + datetime.timedelta(days=30),
            "joining_url": WEBINAR_JOINING_URL,
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
        else:
            upgrade_demo_cta(cta, fields)
        ctas[kind] = cta
    return ctas


# What a demo CTA made by an older version of the demo lacks: (field, "is it missing?").
UPGRADES = [
    # The privacy page: the wording that links to it.
    ("consent_text", lambda cta, value: cta.consent_text != value),
    # Email (issue 19): the eBook's optional marketing consent, the newsletter's list, the
    # webinar's joining link.
    (
        "questions",
        lambda cta, value: not any(q.purpose == "marketing" for q in cta.question_set.consents),
    ),
    ("mailing_list", lambda cta, value: cta.mailing_list_id is None),
    ("joining_url", lambda cta, value: not cta.joining_url),
]


def upgrade_demo_cta(cta: CallToAction, fields: dict) -> None:
    """Give a demo CTA from an older demo what the demo now has; nothing if it has it all."""
    changed = [name for name, missing in UPGRADES if name in fields and missing(cta, fields[name])]
    if not changed:
        return
    for name in changed:
        setattr(cta, name, fields[name])
    cta.save(update_fields=[*changed, "updated_at"])
    services.consent_text_record(cta)


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
    """The four demo CTAs, placed: in an article body, after articles, by topic; the eBook is
    the home page's featured offer."""
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
        set_field(home, "featured_cta", ctas[CTAKind.DOWNLOAD])
    return ctas
