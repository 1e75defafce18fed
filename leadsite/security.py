"""The Content-Security-Policy: strict on the public site, as strict as Wagtail's admin allows.

Public pages run no inline script and no inline style (the policy in settings says so, with no
nonce: a nonce would be frozen into every cached copy of a page, which is no nonce at all).
Wagtail's admin and its previews need inline scripts (its date widgets and inline panels
write them), inline styles (its rich-text editor sets them), data and blob images (upload
previews), and framing by itself (the preview panel); the admin policy replaces just those
directives. The admin is only for signed-in staff; the public site, which anyone can reach
with crafted input, keeps the strict policy.

A preview (of a page or a snippet such as a CTA) is rendered by Wagtail as a request for the
public URL run through this same middleware (`PreviewableMixin.make_preview_request`), inside
the admin view that the editor's preview panel frames. It keeps the public policy, but may be
framed by the site itself: with `frame-ancestors 'none'` the panel stays blank.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings

# What a preview response changes in the public policy.
PREVIEW_DIRECTIVES = {"frame-ancestors": ["'self'"]}


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.CSP_ADMIN_PREFIX):
            parts.replace = {**settings.CSP_ADMIN_DIRECTIVES, **(parts.replace or {})}
        elif not report_only and getattr(request, "is_preview", False):
            # Set by Wagtail on its simulated request only, never from anything sent.
            parts.replace = {**PREVIEW_DIRECTIVES, **(parts.replace or {})}
        return parts
