"""`{% responsive_image %}`: Wagtail's `srcset_image`, listing each width once.

Wagtail never upscales, so asking a 600px-wide image for `width-{480,800,1200}` gives three
renditions of which two are 600px wide, and `srcset_image` lists `600w` twice, which makes the
whole `srcset` invalid. Same syntax and attributes as `srcset_image`.
"""

from django import template
from django.template.base import Token
from wagtail.images.models import ResponsiveImage
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags.wagtailimages_tags import SrcsetImageNode
from wagtail.images.templatetags.wagtailimages_tags import image as parse_image_tag

register = template.Library()


class DistinctWidthsImageNode(SrcsetImageNode):
    def render(self, context):
        image = self.validate_image(context)
        if not image:
            return ""
        by_width = {}
        for spec, rendition in get_renditions_or_not_found(image, self.get_filters()).items():
            by_width.setdefault(rendition.width, (spec, rendition))
        renditions = dict(by_width.values())
        if self.output_var_name:
            context[self.output_var_name] = ResponsiveImage(renditions)
            return ""
        attrs = {key: value.resolve(context) for key, value in self.attrs.items()}
        return ResponsiveImage(renditions, attrs).__html__()


@register.tag
def responsive_image(parser, token):
    # Parsed by Wagtail's own parser, so the syntax and its error messages stay Wagtail's.
    _, arguments = token.contents.split(None, 1)
    node = parse_image_tag(parser, Token(token.token_type, f"srcset_image {arguments}"))
    return DistinctWidthsImageNode(
        node.image_expr, node.filter_specs, output_var_name=node.output_var_name, attrs=node.attrs
    )
