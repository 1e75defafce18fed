"""The Content-Security-Policy: strict on the public site, as strict as Wagtail's admin allows.

Public pages run no inline script and no inline style (the policy in settings says so, with no
nonce: a nonce would be frozen into every cached copy of a page, which is no nonce at all).
Wagtail's admin and its previews need inline scripts (its date widgets and inline panels
write them), inline styles (its rich-text editor sets them), data and blob images (upload
previews), and framing by itself (the preview panel); the admin policy replaces just those
directives. The admin is only for signed-in staff; the public site, which anyone can reach
with crafted input, keeps the strict policy.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.CSP_ADMIN_PREFIX):
            parts.replace = {**settings.CSP_ADMIN_DIRECTIVES, **(parts.replace or {})}
        return parts
