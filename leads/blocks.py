"""The StreamField block that places a call to action in a page body (blog articles)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.functional import cached_property
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtail.snippets.widgets import AdminSnippetChooser

from . import kinds

EMPTY_BLOCK_MESSAGE = "Choose a call to action for this block, or delete the block."


def cta_preview(cta) -> dict:
    """What the page editor's miniature of a chosen CTA shows (leads/admin/cta_chooser.html):
    the widget's initial state and the chooser's answer both carry it, JSON-ready. Reads the
    CTA's document: load it with the CTA (`with_document`)."""
    return {
        "kind": kinds.short_label(cta.kind),
        "headline": cta.headline,
        "button": cta.label,
        "document": cta.document.title if cta.document_id else "",
    }


class CTAChooser(AdminSnippetChooser):
    """The CTA chooser of the page editor: a chosen CTA shows its internal name and, under it,
    a miniature of the box readers see (kind, headline, button, document). The miniature
    follows a new choice through static/leads/admin/cta_chooser.js."""

    template_name = "leads/admin/cta_chooser.html"
    classname = "snippet-chooser ls-cta-chooser"

    def get_display_title(self, instance):
        return instance.title

    def get_value_data_from_instance(self, instance):
        return super().get_value_data_from_instance(instance) | {"preview": cta_preview(instance)}

    def get_context(self, name, value_data, attrs):
        return super().get_context(name, value_data, attrs) | {"preview": value_data.get("preview")}

    @cached_property
    def media(self):
        return super().media + forms.Media(js=["leads/admin/cta_chooser.js"])


class CTABlock(SnippetChooserBlock):
    """A call to action placed anywhere in an article's body."""

    def __init__(self, **kwargs):
        super().__init__("leads.CallToAction", **kwargs)

    @cached_property
    def widget(self):
        return CTAChooser(self.target_model, icon=self.meta.icon)

    def bulk_to_python(self, values):
        # The editor's miniatures and the readers' download boxes show each CTA's document:
        # one query for all of them, not one per block.
        ctas = super().bulk_to_python(values)
        prefetch_related_objects([cta for cta in ctas if cta is not None], "document")
        return ctas

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
