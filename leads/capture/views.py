"""The CTA's own page and the submit view: HTTP only, each a form, a service call and a
response (the capture itself is `leads.services.lead_capture`).

The submit view is exempt from Django's CSRF cookie on purpose: article pages are cached and
shared between visitors, so they cannot carry a per-visitor secret. Cross-site posting is
refused by Origin (and Fetch Metadata) instead, and replays are absorbed by the idempotency key.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.models import Page

from leadsite.outage import DATABASE_UNAVAILABLE, unavailable

from .. import kinds, services
from ..models import CallToAction, Contact
from . import recognition
from .attribution import with_posted_from
from .forms import form_for
from .origin import origin_refused
from .spam import retry_after_seconds
from .tokens import form_token, link_token, read_form_token
from .visit import Visit

DAMAGED = "The form arrived damaged. Please send it again."
# A body Django cannot read as a form (too big, too many fields, broken multipart, cut off).
UNREADABLE = (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, UnreadablePostError)
UNSAVED = (
    "We could not save your request just now. Your answers are still here: please send the "
    "form again in a minute."
)
FETCH_HEADER = "X-Requested-With"
# On a 503 without the form (outage_response): leads.js keeps the form as typed, files included,
# and shows the answer's message in it.
KEEP_FORM_HEADER = "X-Lead-Keep-Form"
# Where leads.js goes instead of showing the thank-you in place: the page's own thank-you URL.
THANKS_URL_HEADER = "X-Lead-Thanks-URL"
# The seam for a page type with a thank-you page of its own (blog's landing pages): each hook
# is called with `request`, `submission` and `token` (the signed thanks link) and returns that
# URL, or None. leads does not know which page types exist; they register here.
THANKS_URL_HOOK = "leads_thanks_url"


def is_fetch(request) -> bool:
    """Posted by leads.js, which wants the new CTA content, not a page."""
    return request.headers.get(FETCH_HEADER) == "leadsite"


def declared_length(request) -> int | None:
    """The body size the client declared, or None if the header is malformed (Django's own
    request.body would raise ValueError on it: a 500)."""
    value = request.META.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isascii() and value.isdigit() else None


def cta_response(request, cta, *, form=None, status=200, message=""):
    """The CTA again, with errors: a fragment for leads.js, or a page of its own."""
    context = {"cta": cta, "form": form, "message": message, "page": None}
    template = "leads/cta_fragment.html" if is_fetch(request) else "leads/cta_page.html"
    if form is not None and form.is_bound and not is_fetch(request):
        # Without JavaScript this is a page of its own: a way back to the article.
        token = read_form_token(str(form.data.get("token", "")), cta.pk)
        context["back"] = back_link(request, token.page_id if token.valid else None)
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def cta_page(request, cta_id):
    """A CTA on a page of its own: where the form comes back with errors without JavaScript."""
    cta = get_object_or_404(CallToAction.objects.with_document(), pk=cta_id)
    return cta_response(request, cta)


@csrf_exempt
@require_POST
def submit(request, cta_id):
    """A CTA's form, posted: refused at the door (origin, size, damage), checked by its form,
    then captured by the service; each outcome becomes an answer for leads.js or the browser.

    The database may be away at any point. Once the form is built, it comes back with the
    answers (below); before that (a process that has not read this CTA yet) the answers come
    back without it (outage_response). Never the site's bare 503 page: it would lose them."""
    try:
        return answer_submission(request, cta_id)
    except DATABASE_UNAVAILABLE:
        return unavailable(outage_response(request))


def answer_submission(request, cta_id):
    cta = CallToAction.objects.for_submission(cta_id)
    if cta is None:
        raise Http404("No such call to action.")
    if origin_refused(request):
        return cta_response(
            request,
            cta,
            status=403,
            message="This form can only be sent from this site. Please open the page and send "
            "it from there.",
        )
    length = declared_length(request)
    if length is None:
        return cta_response(request, cta, status=400, message=DAMAGED)
    limit = settings.LEAD_MAX_BODY_BYTES
    if cta.question_set.files:  # the files, and the form around them
        limit += sum(q.max_size_mb for q in cta.question_set.files) * 1024 * 1024
    if length > limit:
        return cta_response(
            request, cta, status=413, message="That was more than this form can take."
        )
    visit = Visit.from_request(request)
    try:
        data = with_posted_from(request.POST, visit)
    except UNREADABLE:
        return cta_response(request, cta, status=400, message=DAMAGED)
    form = form_for(cta, data=data, files=request.FILES, through_step=through_step(data, cta))
    if not form.is_valid():
        return cta_response(request, cta, form=form, status=400)
    if form.through_step is not None and form.through_step < form.step_count - 1:
        # "Next" on a multi-step form: the steps so far are valid; the form goes on.
        return cta_response(request, cta, form=form)
    try:
        result = services.lead_capture(
            cta=cta,
            data=form.cleaned_data,
            answers=form.answers,
            consents=form.consents,
            files=form.uploads,
            visit=visit,
        )
    except services.FormExpired as expired:
        return expired_response(request, cta, data, expired.token)
    except services.RateLimited:
        form.add_error(
            None,
            "We have received many requests from you in a short time. Please try again in an "
            "hour; your answers are still here.",
        )
        response = cta_response(request, cta, form=form, status=429)
        response["Retry-After"] = str(retry_after_seconds())
        return response
    except services.WebinarFull:
        # The form is valid: passed on, it gives the full page its way back to the article.
        return cta_response(request, cta, form=form, status=409, message=full_message(cta))
    except DATABASE_UNAVAILABLE:  # restarting or failing over; a resend is deduplicated
        form.add_error(None, UNSAVED)
        return unavailable(cta_response(request, cta, form=form, status=503))
    token = link_token("thanks", result.submission.reference)
    page_thanks_url = thanks_url_of_page(request, result.submission, token)
    if is_fetch(request):
        response = thanks_response(request, result.submission, "leads/thanks_fragment.html")
        if page_thanks_url:
            response[THANKS_URL_HEADER] = page_thanks_url
    else:
        thanks_url = page_thanks_url or reverse("leads:thanks", args=[token])
        response = HttpResponseRedirect(thanks_url, status=303)
    submission = result.submission
    if submission.contact_id and submission.consent_given and not submission.is_quarantined:
        # A new lead's contact comes back from the upsert with its reference; a replay's is
        # read once.
        contact = submission.contact if result.created else None
        contact = contact or Contact.objects.only("reference").get(pk=submission.contact_id)
        recognition.remember(response, contact)
    return response


def outage_response(request):
    """A 503 for a form the database was needed to build: for leads.js, the message to show in
    the form it keeps; for a browser without JavaScript, a page that holds the answers as they
    were posted and sends them again. Nothing in it reads the database (no request context)."""
    context = {"message": UNSAVED}
    if is_fetch(request):
        response = HttpResponse(render_to_string("leads/outage_fragment.html", context), status=503)
        response[KEEP_FORM_HEADER] = "1"
        return response
    fields = posted_fields(request)
    had_files = bool(fields and request.FILES)
    context |= {"action": request.path, "fields": fields, "had_files": had_files}
    return HttpResponse(render_to_string("leads/outage_page.html", context), status=503)


def posted_fields(request) -> list[tuple[str, str]]:
    """Every posted name and value, in order (files cannot be posted again for the visitor)."""
    try:
        return [(name, value) for name, values in request.POST.lists() for value in values]
    except UNREADABLE:
        return []


@never_cache
def known_form(request, cta_id):
    """The form as a person we recognise gets it (progressive profiling, recognition.py): a
    fragment for leads.js, or 204 when it asks what the page's form asks."""
    contact = recognition.known_contact(request)
    cta = CallToAction.objects.for_submission(cta_id)
    if cta is None:
        raise Http404("No such call to action.")
    if contact is None:
        return HttpResponse(status=204)
    asked = recognition.asked_of(cta.question_set, contact, cta.queued_limit)
    if asked == {q.name for q in cta.question_set.asked if not q.queued}:
        return HttpResponse(status=204)
    rendered = read_form_token(request.GET.get("token", ""), cta.pk)
    token = form_token(
        cta.pk,
        page_id=rendered.page_id if rendered.valid else None,
        consent_version=cta.consent_version,
        campaign=rendered.campaign if rendered.valid else "",
    )
    form = form_for(cta, asked=asked, token=token)
    response = render(request, "leads/form.html", {"cta": cta, "form": form})
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Cookie"
    return response


def through_step(data, cta) -> int | None:
    """The step a multi-step form's "Next" asks to check (0-based), or None for a whole form.
    Anything else a visitor may send reads as the whole form."""
    value = str(data.get("through_step", ""))
    if value.isascii() and value.isdigit() and int(value) < cta.question_set.steps:
        return int(value)
    return None


def thanks_url_of_page(request, submission, token: str) -> str | None:
    """The thank-you URL of the page the form was posted from, if its type has one (a landing
    page: `<page>/thanks/<token>/`, for ad platforms that count conversions by URL), from the
    `leads_thanks_url` hooks; None for the others, whose thank-you is /leads/thanks/<token>/."""
    if submission.page_id is None:
        return None
    for hook in hooks.get_hooks(THANKS_URL_HOOK):
        url = hook(request=request, submission=submission, token=token)
        if url:
            return url
    return None


def expired_response(request, cta, data, token):
    """The form again, answers kept, with a fresh token for the same page and wording."""
    fresh = data.copy()
    fresh["token"] = form_token(
        cta.pk,
        page_id=token.page_id,
        consent_version=token.consent_version,
        campaign=token.campaign,
    )
    form = form_for(cta, data=fresh)
    form.is_valid()
    form.add_error(
        None, "This form was open for a long time. Please check your answers and send it again."
    )
    return cta_response(request, cta, form=form, status=400)


def full_message(cta) -> str:
    if cta.is_past:
        return "This webinar has already taken place. Recordings are announced in our newsletter."
    return "Sorry, this webinar is full: every seat has been taken."


def thanks_response(request, submission, template, *, back=None, page=None):
    """The thank-you for `submission` (no-store, noindex): a fragment for leads.js, or a page;
    `page` is the Wagtail page it is shown on, if any (a landing page's own thank-you)."""
    cta = submission.cta
    download = None
    if (
        kinds.get(submission.cta_kind).gated_document
        and not submission.is_quarantined
        and cta is not None
        and cta.document is not None
    ):
        download = {
            "url": reverse("leads:download", args=[link_token("download", submission.reference)]),
            "title": cta.document.title,
        }
    context = {
        "submission": submission,
        "cta": cta,
        "download": download,
        "link_days": settings.LEAD_DOWNLOAD_LINK_DAYS,
        "page": page,
        "back": back,
    }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def back_link(request, page_id: int | None) -> dict | None:
    """The title and URL of the live, public page a form was sent from, to link back to."""
    page = Page.objects.live().public().filter(pk=page_id).first() if page_id else None
    url = page.get_url(request) if page else None
    return {"title": page.title, "url": url} if url else None
