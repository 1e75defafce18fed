"""The StreamField block that places a call to action in a page body (blog articles)."""

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtail.snippets.widgets import AdminSnippetChooser

EMPTY_BLOCK_MESSAGE = "Choose a call to action for this block, or delete the block."


class CTAChooser(AdminSnippetChooser):
    """The CTA chooser of the page editor: a chosen CTA shows its kind, headline and button."""

    def get_display_title(self, instance):
        return instance.editor_summary


class CTABlock(SnippetChooserBlock):
    """A call to action placed anywhere in an article's body."""

    def __init__(self, **kwargs):
        super().__init__("leads.CallToAction", **kwargs)

    @cached_property
    def widget(self):
        return CTAChooser(self.target_model, icon=self.meta.icon)

    def clean(self, value):
        # Wagtail defers `required` for drafts; an empty CTA block is never useful, so it is
        # refused in drafts too.
        if value is None:
            raise ValidationError(EMPTY_BLOCK_MESSAGE)
        return super().clean(value)

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
