"""The blocks an email is written with. Each renders to inline-styled HTML that mail clients
keep (templates/mailings/email/blocks/); the plain-text part is read from that same HTML
(mailings/rendering.py)."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h2", "h3"]


class TextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "mailings/email/blocks/text.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        label="Alternative text",
        required=False,
        help_text="What the image shows, for people who cannot see it (and inboxes that block "
        "images). Empty: the image's own description.",
    )
    link = blocks.URLBlock(required=False, help_text="Optional: where a click on it goes.")

    class Meta:
        icon = "image"
        template = "mailings/email/blocks/image.html"


class ButtonBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60, help_text="E.g. 'Read the guide'.")
    url = blocks.URLBlock(label="Link")

    class Meta:
        icon = "link"
        template = "mailings/email/blocks/button.html"


class ArticlesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, help_text="E.g. 'New on the blog'.")
    articles = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="blog.ArticlePage"),
        min_num=1,
        max_num=6,
        help_text="Each shows as a card: title, summary and a link.",
    )

    class Meta:
        icon = "doc-full"
        template = "mailings/email/blocks/articles.html"


class FooterBlock(blocks.StructBlock):
    text = blocks.TextBlock(
        required=False,
        help_text="A closing line above the footer, e.g. 'You get this because you asked for "
        "our guides.' The sender's postal address and the unsubscribe links follow always.",
    )

    class Meta:
        icon = "placeholder"
        template = "mailings/email/blocks/footer.html"


class EmailBodyBlock(blocks.StreamBlock):
    text = TextBlock()
    image = ImageBlock()
    button = ButtonBlock()
    articles = ArticlesBlock(label="Article cards")
    footer = FooterBlock(label="Footer note", max_num=1)
