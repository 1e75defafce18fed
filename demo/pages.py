"""The demo's plain pages (About, Privacy policy: every demo consent wording links to the
latter) and a description for each demo topic. Safe to re-run: existing pages are left as the
editor left them."""

from django.db import transaction
from taggit.models import Tag

from blog.models import ContentPage, HomePage, TopicDescription

ABOUT = {
    "title": "About",
    "slug": "about",
    "intro": "LeadSite is written by people who have run B2B lead generation and sat next to the "
    "sales team that had to call the results.",
    "search_description": "Who writes LeadSite, and why it publishes practical guides on B2B "
    "lead generation.",
    "body": [
        {
            "type": "section",
            "value": "<h2>What we write about</h2><p>Gated content that is worth an email, "
            "quote forms sales can act on, newsletters people open, webinars that fill, and the "
            "hand-off from marketing to sales. Every article comes from work on real sites.</p>"
            "<h2>How we handle your details</h2><p>We ask for the least we need, say why next "
            "to every form, and keep it only as long as the "
            '<a href="/privacy/">privacy policy</a> says.</p>',
        },
    ],
}

PRIVACY = {
    "title": "Privacy policy",
    "slug": "privacy",
    "intro": "What LeadSite stores when you fill in one of its forms, why, for how long, and how "
    "to have it erased.",
    "search_description": "What LeadSite stores when you fill in a form, why, for how long, and "
    "how to have it erased.",
    "body": [
        {
            "type": "section",
            "value": "<h2>What we store</h2><p>When you send a form we store what you typed (your "
            "name, email and, for a quote, your company and message), the page you were on, and "
            "the exact consent wording shown beside the form, and any file you attach (kept "
            "privately, deleted with the rest). We do not use tracking pixels.</p>"
            "<h2>One cookie, after you agree</h2><p>Once you have sent a form and agreed to its "
            "wording, your browser keeps one cookie for six months so that our forms do not "
            "ask you again what you already told us. It holds a random reference, never your "
            "name or address; delete it in your browser at any time.</p>"
            "<h2>Why</h2><ul><li>Downloads: to send you the document and, if you agreed, "
            "occasional related guides.</li><li>Quotes: to prepare and send your quote.</li>"
            "<li>Newsletter: to send it, after you confirm your address.</li><li>Webinars: to "
            "reserve your seat and send you the joining link.</li></ul>"
            "<h2>How long</h2><p>Requests that did not lead to a conversation are deleted after "
            "the retention period set by our sales team. Newsletter subscriptions last until you "
            "unsubscribe, with the link at the foot of every email.</p>"
            "<h2>Your rights</h2><p>You may ask for a copy of your data, or for it to be erased, "
            "at any time: reply to any email from us. We answer within one month.</p>",
        },
    ],
}

TOPIC_DESCRIPTIONS = {
    "lead generation": "How B2B sites turn readers into leads that sales can call: offers, "
    "forms and the follow-up.",
    "content marketing": "Articles, guides and gated content that earn attention and an email "
    "address, without tricks.",
    "conversion optimization": "Forms, offers and pages that more of the right readers "
    "complete, measured honestly.",
    "marketing automation": "Scoring, nurturing and follow-up emails that run by themselves "
    "and stay on the right side of consent.",
    "sales enablement": "What sales needs from marketing to call a lead back the same day, "
    "and how to agree on it.",
}


def ensure_content_page(home: HomePage, fields: dict) -> ContentPage:
    page = ContentPage.objects.child_of(home).filter(slug=fields["slug"]).first()
    if page is None:
        # Shown in menus: the footer links every such page (blog/templatetags/navigation.py).
        page = home.add_child(instance=ContentPage(show_in_menus=True, **fields))
        page.save_revision(log_action=True).publish()
    return page


@transaction.atomic
def ensure_demo_pages() -> list[ContentPage]:
    """About and the privacy policy under home, and the demo topics' descriptions."""
    home = HomePage.objects.first()
    pages = [ensure_content_page(home, fields) for fields in (ABOUT, PRIVACY)]
    for name, description in TOPIC_DESCRIPTIONS.items():
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is not None:
            TopicDescription.objects.get_or_create(tag=tag, defaults={"description": description})
    return pages
