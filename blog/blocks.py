"""StreamField blocks for article bodies, labelled for non-technical editors."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from leads.blocks import CTABlock

SECTION_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]
INLINE_FEATURES = ["bold", "italic", "link", "ol", "ul"]


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

    class Meta:
        block_counts = {}
