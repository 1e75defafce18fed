"""Beacons leads.js posts from a page as it is shown: a CTA seen (impression counts) and the
forms on the page restamped (so the time trap counts from this page view, even on a cached
page). No cookie, nothing about the visitor kept; cross-site posts refused as for `submit`.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from leadsite.client_ip import client_ip

from .. import services
from .origin import origin_refused
from .spam import IMPRESSION_WINDOW_SECONDS, impression_rate_limited
from .tokens import form_token_for_view, read_form_token
from .views import declared_length

# The largest beacon body we read: a form token is under 200 characters.
MAX_BEACON_BYTES = 1024


@csrf_exempt
@require_POST
def seen(request, cta_id):
    """Count one impression of a CTA: leads.js posts the form's token when the box scrolls
    into view, once per CTA per page view.

    Works on cached pages: the signed token names the CTA and page it was rendered for, so the
    count is right whoever got the page, and no one can count impressions for a page that did
    not show the CTA. Nothing about the visitor is read or kept: no cookie, no session, no IP
    (beyond a hashed rate-limit counter). CSRF-exempt for the same reason as `submit`;
    cross-site posts are refused by Origin and Fetch Metadata.
    """
    if origin_refused(request):
        return beacon_response(403)
    length = declared_length(request)
    if length is None or length > MAX_BEACON_BYTES:
        return beacon_response(400)
    try:
        raw_token = request.POST.get("token", "")
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, UnreadablePostError):
        return beacon_response(400)
    token = read_form_token(raw_token, cta_id) if raw_token else None
    if token is None or not token.valid or token.expired:
        return beacon_response(400)
    if token.page_id is None:  # the CTA's own page or a preview: not an article impression
        return beacon_response(204)
    if impression_rate_limited(ip=client_ip(request)):
        response = beacon_response(429)
        response["Retry-After"] = str(IMPRESSION_WINDOW_SECONDS)
        return response
    services.impression_record(cta_id=cta_id, page_id=token.page_id, day=timezone.localdate())
    return beacon_response(204)


# Forms a page view may restamp at once: more than any page shows.
MAX_VIEWED_FORMS = 16


@csrf_exempt
@require_POST
def forms_viewed(request):
    """Fresh form tokens for a page view: leads.js posts the token of each form on the page
    as soon as it is shown and puts the answers in their place, so that the time trap counts
    from when this visitor loaded the page, even when the page came from a cache (the app's
    or nginx's) rendered minutes before. Never cached; no cookie, nothing about the visitor
    read or kept; a forged or expired token gets null (the form keeps the one it has).
    Cross-site posts are refused by Origin and Fetch Metadata, as for `submit`."""
    if origin_refused(request):
        return beacon_response(403)
    length = declared_length(request)
    if length is None or length > MAX_BEACON_BYTES * MAX_VIEWED_FORMS:
        return beacon_response(400)
    try:
        tokens = request.POST.getlist("token")
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, UnreadablePostError):
        return beacon_response(400)
    if not tokens or len(tokens) > MAX_VIEWED_FORMS:
        return beacon_response(400)
    response = JsonResponse({"tokens": [form_token_for_view(token) for token in tokens]})
    response["Cache-Control"] = "no-store"
    return response


def beacon_response(status: int) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Cache-Control"] = "no-store"
    return response
