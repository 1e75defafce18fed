"""The StreamField block that places a call to action in a page body (blog articles)."""

from wagtail.snippets.blocks import SnippetChooserBlock


class CTABlock(SnippetChooserBlock):
    """A call to action placed anywhere in an article's body."""

    def __init__(self, **kwargs):
        super().__init__("leads.CallToAction", **kwargs)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["cta"] = value
        context["form"] = None
        return context

    class Meta:
        icon = "pick"
        label = "Call to action"
        help_text = "A download, quote, newsletter or webinar form from the CTA library."
        template = "leads/cta.html"
