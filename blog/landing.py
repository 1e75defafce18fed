"""Campaign landing pages: one offer (a CTA) near the top, what persuades a visitor under it,
a thank-you page at a URL of its own, and a campaign the page's leads count under.

The form is the CTA's own (`{% cta_box %}`), with every capture guarantee of the articles'
forms; its signed token carries the page's campaign (leads/capture/tokens.py). The thank-you
URL is `<page>/thanks/<signed reference>/`, which the submit view finds through the
`leads_thanks_url` hook that blog/wagtail_hooks.py registers (leads does not import blog).
How editors use it: docs/content.md, "Landing pages".
"""

from types import SimpleNamespace

from django.conf import settings
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from leads.memo import Memo

from .base_page import BasePage
from .blocks import INLINE_FEATURES, LandingBodyBlock

# What building a page's URL reads (blog/wagtail_hooks.py, PageLinkHandlerOneQuery).
URL_FIELDS = ("url_path", "path", "depth", "live", "locale_id", "content_type_id")


class LandingPage(RoutablePageMixin, BasePage):
    """A campaign's page: hero, the offer's form, persuasion, and its own thank-you URL."""

    heading = models.CharField(
        "heading",
        max_length=120,
        blank=True,
        help_text="The promise of the offer, in one line, e.g. 'Score your leads by Monday'. "
        "It is the page's main heading; leave blank to use the title.",
    )
    sub_heading = models.TextField(
        "sub-heading",
        max_length=300,
        blank=True,
        help_text="One or two sentences under the heading: who it is for and what they get.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="hero image",
        help_text="Optional: a cover or product shot beside the heading (at least 800 wide). "
        "Its description is used as alternative text.",
    )
    cta = models.ForeignKey(
        "leads.CallToAction",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="call to action",
        help_text="The offer whose form is shown near the top, e.g. the eBook download.",
    )
    campaign = models.ForeignKey(
        "leads.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="campaign",
        help_text="Leads from this page count under this campaign (cost per lead) when the "
        "visitor's link has no utm_campaign of its own.",
    )
    body = StreamField(LandingBodyBlock(), verbose_name="content", blank=True)
    thanks_heading = models.CharField(
        "next-step heading",
        max_length=120,
        default="What happens next",
        help_text="Shown on the thank-you page under the thank-you, e.g. 'While you read'.",
    )
    thanks_text = RichTextField(
        "next-step text",
        features=INLINE_FEATURES,
        blank=True,
        help_text="What the visitor can do now, e.g. a link to a related article. Leave blank "
        "for the offer's own next step.",
    )
    show_site_navigation = models.BooleanField(
        "show site navigation",
        default=False,
        help_text="Off: a header with the logo only and a footer with the privacy links, so "
        "the page has one thing to do. On: the site's menus, search and footer.",
    )
    noindex = models.BooleanField(
        "hide from search engines",
        default=False,
        help_text="Adds a robots noindex tag and leaves the page out of the sitemap, e.g. for "
        "a page only paid ads link to.",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("heading"), FieldPanel("sub_heading"), FieldPanel("hero_image")],
            heading="Hero",
        ),
        MultiFieldPanel([FieldPanel("cta"), FieldPanel("campaign")], heading="Offer"),
        FieldPanel("body", heading="Content"),
        MultiFieldPanel(
            [FieldPanel("thanks_heading"), FieldPanel("thanks_text")],
            heading="Thank-you page",
            help_text="Shown at this page's address + thanks/... after the form is sent, with "
            "what the offer gives (the download link, the webinar's time).",
        ),
    ]
    promote_panels = [
        *BasePage.promote_panels,
        MultiFieldPanel(
            [FieldPanel("noindex"), FieldPanel("show_site_navigation")],
            heading="Search engines and navigation",
        ),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("heading"),
        index.SearchField("sub_heading"),
        index.SearchField("body"),
    ]

    parent_page_types = ["blog.HomePage"]
    subpage_types = []
    template = "pages/landing_page.html"
    thanks_template = "pages/landing_thanks.html"
    # Editors see the thank-you page they write before anyone sends the form.
    preview_modes = [("", "Landing page"), ("thanks", "Thank-you page")]

    class Meta:
        verbose_name = "landing page"

    @property
    def hero_heading(self) -> str:
        return self.heading or self.title

    @property
    def lead_campaign(self) -> str:
        """The campaign's utm_campaign, or "": what the form token carries
        (leads.capture.forms.LeadForm), for the leads to count under this campaign."""
        return self.campaign.utm_campaign if self.campaign_id and self.campaign else ""

    def get_meta_description(self) -> str:
        return self.search_description or self.sub_heading

    def get_social_image(self):
        return self.social_image or self.hero_image

    def get_sitemap_urls(self, request=None):
        return [] if self.noindex else super().get_sitemap_urls(request)

    @property
    def faq_ld(self) -> dict | None:
        """schema.org FAQPage data for the page's FAQ blocks (search engines' rich results),
        or None without one."""
        questions = [
            {
                "@type": "Question",
                "name": item["question"],
                "acceptedAnswer": {"@type": "Answer", "text": strip_tags(item["answer"].source)},
            }
            for block in self.body
            if block.block_type == "faq"
            for item in block.value["items"]
        ]
        if not questions:
            return None
        return {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": questions}

    def serve_preview(self, request, mode_name):
        if mode_name != "thanks":
            return super().serve_preview(request, mode_name)
        # A sample lead: what a visitor who just answered the offer sees.
        cta = self.cta
        kind = cta.kind if cta else "download"
        submission = SimpleNamespace(
            cta_kind=kind, person_email="you@example.com", is_quarantined=False
        )
        download = None
        if cta is not None and cta.document is not None:
            download = {"url": "#preview", "title": cta.document.title}
        context = {
            "page": self,
            "submission": submission,
            "cta": cta,
            "download": download,
            "link_days": settings.LEAD_DOWNLOAD_LINK_DAYS,
        }
        return TemplateResponse(request, self.thanks_template, context)

    @path("thanks/<slug:token>/", name="thanks")
    def thanks(self, request, token):
        """The thank-you for a lead sent from this page (no-store, noindex): the offer's
        thank-you (download link, webinar time) and the editor's next step."""
        from leads.capture.links import submission_from_link
        from leads.capture.views import thanks_response

        submission = submission_from_link("thanks", link_token_from_path(token))
        if submission.page_id != self.pk:
            raise Http404("This link is not for this page.")
        return thanks_response(request, submission, self.thanks_template, page=self)

    @classmethod
    def thanks_url(cls, page_id: int, token: str) -> str | None:
        """The thank-you URL on the live landing page `page_id` for the signed thanks link
        `token`, with one query; None, with none, if `page_id` is not a live landing page
        (every lead asks: most come from articles)."""
        if page_id not in live_landing_page_ids():
            return None
        page = cls.objects.live().filter(pk=page_id).only(*URL_FIELDS).first()
        # Without the request: asking it for its site would cost a second query, and the URL
        # is relative anyway where there is one site (absolute where there are several).
        url = page.get_url() if page else None
        if not url:
            return None
        return url + page.reverse_subpage("thanks", args=[link_token_in_path(token)])


# The ids of the live landing pages, read at most every 30 s per process and forgotten at once
# in a process that publishes or unpublishes a page (blog/apps.py): every lead asks whether it
# came from one.
landing_page_ids = Memo(ttl_seconds=30)


def live_landing_page_ids() -> frozenset[int]:
    return landing_page_ids.get(
        "live", lambda: frozenset(LandingPage.objects.live().values_list("pk", flat=True))
    )


# A signed thanks link reads `<reference hex>.<time base62>:<signature base64url>`; Wagtail
# serves page paths made of letters, digits, "-" and "_" only, so in a page's path its two
# separators become "-" (neither the hex nor the base62 part has one: the first two "-" are
# the separators, whatever the signature holds).


def link_token_in_path(token: str) -> str:
    return token.replace(".", "-", 1).replace(":", "-", 1)


def link_token_from_path(value: str) -> str:
    reference, issued, signature = [*value.split("-", 2), "", ""][:3]
    return f"{reference}.{issued}:{signature}"
