"""StreamField blocks for article, content and landing page bodies, labelled for
non-technical editors."""

from django import forms
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.admin.widgets import AdminAutoHeightTextInput
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from leads.blocks import CTABlock

from .text import number_footnotes

SECTION_FEATURES = [
    *("h2", "h3", "bold", "italic", "code", "superscript", "ol", "ul"),
    *("link", "document-link", "hr"),
]
INLINE_FEATURES = ["bold", "italic", "link", "ol", "ul"]
# A table cell holds one line: no lists, no headings. Superscript carries footnote references.
CELL_FEATURES = ["bold", "italic", "code", "superscript", "link"]
FOOTNOTE_FEATURES = ["ol", "bold", "italic", "code", "superscript", "link"]


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Image")
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        label="Alternative text",
        help_text=(
            "What the image shows, for readers who cannot see it, e.g. 'Bar chart: demo requests "
            "doubled after the form was shortened'. Leave blank to use the image's description."
        ),
    )
    caption = blocks.CharBlock(
        required=False, max_length=300, label="Caption", help_text="Shown under the image."
    )

    class Meta:
        icon = "image"
        label = "Image with caption"
        template = "components/blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="Quotation", help_text="The words quoted, without quote marks.")
    attribution = blocks.CharBlock(
        required=False,
        max_length=200,
        label="Who said it",
        help_text="e.g. 'Dana Ruiz, Head of Sales at Acme'.",
    )

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "components/blocks/quote.html"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("tip", "Tip"), ("note", "Note"), ("warning", "Warning")],
        default="tip",
        label="Kind",
        help_text="Sets the colour and the label readers see.",
    )
    title = blocks.CharBlock(required=False, max_length=120, label="Title")
    text = blocks.RichTextBlock(features=INLINE_FEATURES, label="Text")

    class Meta:
        icon = "help"
        label = "Call-out box"
        template = "components/blocks/callout.html"


class TableBlock(TypedTableBlock):
    """A table whose cells are short rich text; a column's type sets its alignment."""

    text = blocks.RichTextBlock(features=CELL_FEATURES, required=False, label="Text")
    centred = blocks.RichTextBlock(features=CELL_FEATURES, required=False, label="Text, centred")
    right = blocks.RichTextBlock(
        features=CELL_FEATURES, required=False, label="Text, right-aligned (e.g. numbers)"
    )

    class Meta:
        icon = "table"
        label = "Table"
        help_text = "Add a column per kind of value; the caption says what the table shows."
        template = "components/blocks/table.html"


class CodeTextBlock(blocks.TextBlock):
    """Text kept exactly as typed: the indentation of code is part of its meaning, and the
    default form field strips the spaces at the start of the first line."""

    @cached_property
    def field(self):
        return forms.CharField(
            strip=False,
            widget=AdminAutoHeightTextInput(attrs={"rows": self.rows}),
            **self.field_options,
        )


class CodeBlock(blocks.StructBlock):
    language = blocks.CharBlock(
        required=False,
        max_length=40,
        label="Language",
        help_text="Shown above the code, e.g. 'python', 'html' or 'sh'. Leave blank for text.",
    )
    code = CodeTextBlock(
        rows=6,
        label="Code",
        help_text="Shown in a monospaced font exactly as typed, spaces and line breaks included.",
    )

    class Meta:
        icon = "code"
        label = "Code"
        template = "components/blocks/code.html"


class FootnotesBlock(blocks.RichTextBlock):
    """The article's notes: a numbered list whose item n gets the id `footnote-n`, the target of
    the superscript references in the text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self._meta_class.help_text)  # shown above the editor
        super().__init__(features=FOOTNOTE_FEATURES, **kwargs)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["notes"] = mark_safe(number_footnotes(value.__html__()))  # noqa: S308 - rich text
        return context

    class Meta:
        icon = "list-ol"
        label = "Footnotes"
        help_text = (
            "A numbered list, shown under 'Notes' at the end of the article. Item 1 is the note "
            "that a superscript link to #footnote-1 in the text points to, and so on."
        )
        template = "components/blocks/footnotes.html"


class PrivacyEmbedBlock(EmbedBlock):
    """A video or post from YouTube, Vimeo and the like, loaded only when the reader asks.

    Public pages make no third-party requests on load: the template shows a link to the
    original instead of the provider's iframe.
    """

    def get_context(self, value, parent_context=None):
        from wagtail.embeds.models import Embed

        context = super().get_context(value, parent_context=parent_context)
        # The title and provider fetched when the editor saved the block; never fetched here.
        context["embed"] = value and Embed.objects.filter(url=value.url).first()
        return context

    class Meta:
        icon = "media"
        label = "Embedded video or post"
        help_text = "Paste the address of a YouTube or Vimeo video, or a public social post."
        template = "components/blocks/embed.html"


class OfferLinkBlock(blocks.StructBlock):
    """A prominent link from an article to a campaign landing page (its offer)."""

    page = blocks.PageChooserBlock(
        page_type="blog.LandingPage",
        label="Landing page",
        help_text="The campaign landing page this card sends readers to.",
    )
    link_text = blocks.CharBlock(
        max_length=80,
        label="Link text",
        help_text="What the reader gets, as an action, e.g. 'Get the checklist →'.",
    )
    teaser = blocks.CharBlock(
        required=False,
        max_length=160,
        label="Teaser",
        help_text="One line above the link, e.g. 'Twelve checks before you launch a form.'",
    )

    class Meta:
        icon = "link"
        label = "Offer link"
        template = "components/blocks/offer_link.html"


class ArticleBodyBlock(blocks.StreamBlock):
    section = blocks.RichTextBlock(
        features=SECTION_FEATURES,
        icon="doc-full",
        label="Text section",
        help_text=(
            "Paragraphs, headings, lists and links. Headings 2 and 3 appear in the article's "
            "table of contents."
        ),
        template="components/blocks/section.html",
    )
    image = FigureBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    embed = PrivacyEmbedBlock()
    cta = CTABlock()
    offer_link = OfferLinkBlock()
    table = TableBlock()
    code = CodeBlock()
    footnotes = FootnotesBlock()

    class Meta:
        block_counts = {"footnotes": {"max_num": 1}}


class ContentBodyBlock(blocks.StreamBlock):
    """The body of a plain content page (About, privacy policy): the article blocks that suit
    a page with no offer on it, so no CTA and no code."""

    section = blocks.RichTextBlock(
        features=SECTION_FEATURES,
        icon="doc-full",
        label="Text section",
        help_text="Paragraphs, headings, lists and links.",
        template="components/blocks/section.html",
    )
    image = FigureBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    table = TableBlock()


# Landing page blocks: what persuades a visitor to fill in the form at the top.


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label="Quotation", help_text="The words quoted, without quote marks.")
    person = blocks.CharBlock(max_length=120, label="Person", help_text="e.g. 'Dana Ruiz'.")
    role = blocks.CharBlock(
        required=False,
        max_length=160,
        label="Role",
        help_text="Their job and company, e.g. 'Head of Sales, Acme'.",
    )
    photo = ImageChooserBlock(
        required=False,
        label="Photo",
        help_text="A square portrait works best. Decorative: the name is written beside it.",
    )

    class Meta:
        icon = "openquote"
        label = "Testimonial"
        template = "components/blocks/testimonial.html"


class LogoBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Logo")
    alt_text = blocks.CharBlock(
        max_length=120, label="Alternative text", help_text="The company's name, e.g. 'Acme'."
    )


class LogoStripBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        required=False,
        max_length=120,
        label="Heading",
        help_text="e.g. 'Trusted by sales teams at'. Leave blank for none.",
    )
    logos = blocks.ListBlock(LogoBlock(), min_num=1, max_num=12, label="Logos")

    class Meta:
        icon = "image"
        label = "Logo strip"
        template = "components/blocks/logo_strip.html"


class BenefitBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=100, label="Title", help_text="e.g. 'Ready on Monday'.")
    text = blocks.TextBlock(
        max_length=300, label="Text", help_text="One or two sentences on what the reader gains."
    )


class BenefitsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        required=False,
        max_length=120,
        label="Heading",
        help_text="e.g. 'What you will get'. Leave blank for none.",
    )
    items = blocks.ListBlock(BenefitBlock(), min_num=1, max_num=9, label="Benefits")

    class Meta:
        icon = "list-ul"
        label = "Benefits list"
        template = "components/blocks/benefits.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200, label="Question")
    answer = blocks.RichTextBlock(features=INLINE_FEATURES, label="Answer")


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        max_length=120, default="Frequently asked questions", label="Heading"
    )
    items = blocks.ListBlock(QuestionBlock(), min_num=1, label="Questions")

    class Meta:
        icon = "help"
        label = "FAQ"
        template = "components/blocks/faq.html"


class LandingBodyBlock(blocks.StreamBlock):
    """The body of a campaign landing page, under its hero and form."""

    section = blocks.RichTextBlock(
        features=SECTION_FEATURES,
        icon="doc-full",
        label="Text section",
        help_text="Paragraphs, headings, lists and links.",
        template="components/blocks/section.html",
    )
    image = FigureBlock()
    benefits = BenefitsBlock()
    testimonial = TestimonialBlock()
    logos = LogoStripBlock()
    faq = FAQBlock()
